package moyskladtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// moysklad.md §4.2 (quantity = number of things for serial-tracked goods)
// on enter, loss and move lines, and §4.4's 3050: a posted loss or move
// takes only serials that are at its source store.
func TestSerialsOfEnterLossAndMove(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := b.srv.AddStore("Длительное хранение")
	phone := b.srv.AddProduct(moyskladtest.ProductSpec{Name: "Телефон", Article: "PH-1", SerialTrackable: true})
	doc := func(typ string, from, to string, q float64, things ...string) string {
		t.Helper()
		spec := moyskladtest.DocumentSpec{Name: typ, Store: from, SourceStore: from, TargetStore: to,
			Positions: []moyskladtest.PositionSpec{{ProductID: phone.ID, Quantity: q, Things: things}}}
		if typ == "enter" {
			spec.Store = to
		}
		d, err := b.srv.CreateDocument(typ, spec)
		require.NoError(t, err)
		return d.ID
	}
	post := func(typ, id string) answer {
		t.Helper()
		return b.call(t, "PUT", "/entity/"+typ+"/"+id, map[string]any{"applicable": true})
	}
	for _, typ := range []string{"enter", "loss", "move"} {
		_, err := b.srv.CreateDocument(typ, moyskladtest.DocumentSpec{Name: typ, Store: b.store.ID, SourceStore: b.store.ID, TargetStore: other.ID,
			Positions: []moyskladtest.PositionSpec{{ProductID: phone.ID, Quantity: 2, Things: []string{"SN1"}}}})
		require.ErrorContains(t, err, "серийных номеров (1)", "%s: one serial for two units", typ)
	}

	enter := doc("enter", "", b.store.ID, 3, "SN1", "SN2", "SN3")
	require.Equal(t, 200, post("enter", enter).status)
	require.Equal(t, 3.0, b.srv.Stock(b.store.ID, phone.ID))

	loss := doc("loss", b.store.ID, "", 1, "SN9")
	a := post("loss", loss)
	require.Equal(t, 412, a.status, string(a.raw))
	require.EqualValues(t, 3050, code(a))
	require.Contains(t, string(a.raw), "SN9")

	loss = doc("loss", b.store.ID, "", 1, "SN2")
	require.Equal(t, 200, post("loss", loss).status)
	again := doc("loss", b.store.ID, "", 1, "SN2")
	require.EqualValues(t, 3050, code(post("loss", again)), "SN2 is written off already")

	move := doc("move", b.store.ID, other.ID, 2, "SN1", "SN3")
	require.Equal(t, 200, post("move", move).status)
	require.Equal(t, 0.0, b.srv.Stock(b.store.ID, phone.ID))
	require.Equal(t, 2.0, b.srv.Stock(other.ID, phone.ID))
	back := doc("move", b.store.ID, other.ID, 1, "SN1")
	require.EqualValues(t, 3050, code(post("move", back)), "SN1 is at the other store now")
	back = doc("move", other.ID, b.store.ID, 1, "SN1")
	require.Equal(t, 200, post("move", back).status)

	// Re-posting what is posted takes nothing more: not refused.
	a = b.call(t, "PUT", "/entity/move/"+move, map[string]any{"description": "правка"})
	require.Equal(t, 200, a.status, string(a.raw))
	// Un-posting the enter leaves the later documents as they are; a new
	// loss of its serials is refused.
	a = b.call(t, "PUT", "/entity/enter/"+enter, map[string]any{"applicable": false})
	require.Equal(t, 200, a.status, string(a.raw))
	require.EqualValues(t, 3050, code(post("loss", doc("loss", b.store.ID, "", 1, "SN1"))))
}
