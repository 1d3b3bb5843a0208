package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
)

// serialPhones adds a serial-tracked phone with units SN-1…SN-4 on the
// warehouse's shelf and the same four posted into MoySklad's warehouse
// store (an enter by staff, serials and all); parity covers it.
func (b *stockBundle) serialPhones(t *testing.T) {
	t.Helper()
	phone := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Телефон", Article: "PH-1", SerialTrackable: true})
	b.serialStock(t, "PH-1", "Телефон", phone.ID, "SN-1", "SN-2", "SN-3", "SN-4")
}

// serialStock puts units of a serial-tracked item (a product or variant)
// on the warehouse's shelf under goodID and the same serials into
// MoySklad's warehouse store (an enter by staff); parity covers it.
func (b *stockBundle) serialStock(t *testing.T, goodID, name, itemID string, sns ...string) {
	t.Helper()
	fb, err := fulfillment.NewClient(fulfillment.Config{BaseURL: b.fb.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	require.NoError(t, fb.RegisterGoods(b.ctx, fulfillment.Good{GoodID: goodID, GoodName: name}))
	b.fb.AddSerials(goodID, false, sns...)
	initial, err := b.ms.CreateDocument(moysklad.TypeEnter, moyskladtest.DocumentSpec{Name: "нач", Store: b.rules.Store, Applicable: true,
		Positions: []moyskladtest.PositionSpec{{ProductID: itemID, Quantity: float64(len(sns)), Price: 100, Things: sns}}})
	require.NoError(t, err)
	if b.staff == nil {
		b.staff = map[string]bool{}
	}
	b.staff[initial.ID] = true
	b.items[goodID] = itemID
	b.parity(t)
}

// doc is the one document of a type the parts of a warehouse document
// booked.
func (b *stockBundle) doc(t *testing.T, typ string, parts []storage.OutdocPart) moysklad.Document {
	t.Helper()
	for _, p := range parts {
		if p.Status == storage.PartApplied && p.DocType == typ {
			d, err := b.ms.Document(p.DocType, p.DocID)
			require.NoError(t, err)
			return d
		}
	}
	require.Fail(t, "no "+typ+" booked")
	return moysklad.Document{}
}

// things are the serials of a document's only line.
func things(t *testing.T, d moysklad.Document) []string {
	t.Helper()
	require.Len(t, d.Rows(), 1)
	return d.Rows()[0].Things()
}

// A serial-tracked phone: a unit not found is written off with its serial,
// found back it is entered with it, units go to long storage and come back
// by move with theirs; each document posted, MoySklad's stock per store as
// the warehouse's (MoySklad refuses a loss or move of serials not at the
// store, so the serials are the ones there). A correction replaced by the
// warehouse is deleted and its replacement booked with its own serial.
func TestSerialUnitsOfCorrectionsAndLongStorage(t *testing.T) {
	t.Parallel()
	b := setupStock(t, stockOpts{long: true})
	b.serialPhones(t)
	ph := func(stock, quarantine int32, serials ...string) fboxtest.CorrectionLine {
		return fboxtest.CorrectionLine{GoodID: "PH-1", Stock: stock, Quarantine: quarantine, Serials: serials}
	}

	id, err := b.fb.Correction(fulfillment.CorrectionManual, ph(-1, 1, "SN-2"))
	parts := b.applied(t, id, err)
	require.Equal(t, []string{"loss"}, b.docs(t, id, parts))
	require.Equal(t, []string{"SN-2"}, things(t, b.doc(t, "loss", parts)))
	b.parity(t)

	id, err = b.fb.Correction(fulfillment.CorrectionManual, ph(1, -1))
	parts = b.applied(t, id, err)
	require.Equal(t, []string{"enter"}, b.docs(t, id, parts))
	require.Equal(t, []string{"SN-2"}, things(t, b.doc(t, "enter", parts)), "the unit found is the one lost")
	b.parity(t)

	id, err = b.fb.ToLongStorage(1, fboxtest.LongBox{BoxID: 9, Lines: []fboxtest.Line{{GoodID: "PH-1", Useful: 2}}})
	parts = b.applied(t, id, err)
	require.Equal(t, []string{"move"}, b.docs(t, id, parts))
	stored := b.fb.SerialsAt("PH-1", fulfillment.QualUseful, fulfillment.GoodStateLongStorage)
	require.Len(t, stored, 2)
	require.ElementsMatch(t, stored, things(t, b.doc(t, "move", parts)))
	b.parity(t)

	id, err = b.fb.FromLongStorage(9)
	parts = b.applied(t, id, err)
	require.Equal(t, []string{"move"}, b.docs(t, id, parts))
	require.ElementsMatch(t, stored, things(t, b.doc(t, "move", parts)), "the box comes back with its units")
	b.parity(t)

	// Replaced: the loss of SN-3 is deleted, the replacement's SN-4 lost.
	id, err = b.fb.Correction(fulfillment.CorrectionManual, ph(-1, 1, "SN-3"))
	parts = b.applied(t, id, err)
	first := b.doc(t, "loss", parts)
	require.Equal(t, []string{"SN-3"}, things(t, first))
	require.NoError(t, b.fb.ReplaceOutdoc(id, func(any) error { return nil }))
	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Eventually(t, func() bool { _, exists := b.fb.Outdoc(id); return !exists }, patience, 20*time.Millisecond)
	_, err = b.ms.Document("loss", first.ID)
	require.Error(t, err, "the loss of the replaced correction is deleted")
	replacement := b.fb.LastOutdoc()
	parts = b.applied(t, replacement, nil)
	lost := b.fb.SerialsAt("PH-1", fulfillment.QualUseful, fulfillment.GoodStateQuarantine)
	require.Len(t, lost, 1)
	require.Equal(t, lost, things(t, b.doc(t, "loss", parts)))
	b.parity(t)
	b.once(t)
}

// The warehouse reports fewer serials than units: the units with a serial
// are booked, the rest are not, and staff are told; no serial is made up.
func TestUnitsWithoutSerialsAreNotBooked(t *testing.T) {
	t.Parallel()
	b := setupStock(t, stockOpts{})
	b.serialPhones(t)
	id, err := b.fb.Correction(fulfillment.CorrectionManual,
		fboxtest.CorrectionLine{GoodID: "PH-1", Stock: -2, Quarantine: 2, Serials: []string{"SN-3"}}, kettle(false, -1, 1))
	parts := b.applied(t, id, err)
	loss := b.doc(t, "loss", parts)
	require.Equal(t, map[string]float64{"KT-1700": 1, "PH-1": 1}, quantities(loss))
	var serials [][]string
	for _, r := range loss.Rows() {
		if len(r.Things()) > 0 {
			serials = append(serials, r.Things())
		}
	}
	require.Equal(t, [][]string{{"SN-3"}}, serials, "the phone's line has the one serial reported")
	require.Contains(t, loss.Description, "не учтены единицы без серийных номеров от склада: PH-1 1 шт.")
	require.Eventually(t, func() bool {
		return strings.Contains(strings.Join(b.alerts(), "\n"), "товар PH-1 учитывается по серийным номерам, а склад не сообщил их для 1 шт.")
	}, patience, 20*time.Millisecond)
	tl, err := b.svc.Store.Timeline(b.ctx, "loss", loss.ID)
	require.NoError(t, err)
	require.NotEmpty(t, tl)
	require.Contains(t, tl[0].Message, "не учтены (склад не сообщил серийные номера): PH-1 1 шт.")

	// The unit left out stays on MoySklad's books until staff write it off.
	want := b.booked("PH-1")[b.rules.Store]
	require.Equal(t, want+1, b.ms.Stock(b.rules.Store, b.items["PH-1"]))
	delete(b.items, "PH-1")
	b.parity(t)
	b.once(t)
}

// A variant of a serial-tracked product is booked with its serials like
// the product: the variant carries no flag of its own, its product does.
func TestSerialUnitsOfAVariant(t *testing.T) {
	t.Parallel()
	b := setupStock(t, stockOpts{})
	phone := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Телефон", Article: "PH-2", SerialTrackable: true})
	black, err := b.ms.AddVariant(moyskladtest.VariantSpec{ProductID: phone.ID, Code: "PH-2-BLK",
		Characteristics: []moysklad.Characteristic{{Name: "Цвет", Value: "чёрный"}}})
	require.NoError(t, err)
	b.serialStock(t, "PH-2-BLK", "Телефон (чёрный)", black.ID, "SN-B1", "SN-B2")

	id, err := b.fb.Correction(fulfillment.CorrectionManual, fboxtest.CorrectionLine{GoodID: "PH-2-BLK", Stock: -1, Quarantine: 1, Serials: []string{"SN-B2"}})
	parts := b.applied(t, id, err)
	require.Equal(t, []string{"loss"}, b.docs(t, id, parts))
	loss := b.doc(t, "loss", parts)
	require.Equal(t, []string{"SN-B2"}, things(t, loss))
	require.Equal(t, black.ID, loss.Rows()[0].Assortment.ID)
	b.parity(t)
	b.once(t)
}
