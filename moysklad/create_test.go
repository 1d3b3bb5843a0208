package moysklad_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/retryhttp"
)

// demandTemplate is a demand prefilled from a customer order of p1×3, p2×2.
func (b *bundle) demandTemplate(t *testing.T) *moysklad.Document {
	t.Helper()
	buyer := b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Покупатель"})
	order, err := b.srv.CreateDocument(moysklad.TypeCustomerOrder, moyskladtest.DocumentSpec{Name: "7", Agent: buyer.ID, Store: b.store.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p1.ID, Quantity: 3, Price: 1000}, {ProductID: b.p2.ID, Quantity: 2, Price: 500}}})
	require.NoError(t, err)
	tpl, err := b.client.Template(b.ctx, moysklad.TypeDemand, &moysklad.Ref{Meta: order.Meta})
	require.NoError(t, err)
	return tpl
}

// count is how many documents of typ carry syncID.
func (b *bundle) count(t *testing.T, typ, syncID string) int {
	t.Helper()
	var page struct{ Rows []moysklad.Document }
	require.NoError(t, b.client.Do(b.ctx, "GET", "entity/"+typ, map[string][]string{"filter": {"syncId=" + syncID}}, nil, &page))
	return len(page.Rows)
}

func TestSyncIDIsStableUUIDv5(t *testing.T) {
	t.Parallel()
	id := moysklad.SyncID("fbox-1", "outdoc", "42")
	require.Equal(t, id, moysklad.SyncID("fbox-1", "outdoc", "42"))
	require.NotEqual(t, id, moysklad.SyncID("fbox-1", "outdoc:42"))
	u, err := uuid.Parse(id)
	require.NoError(t, err)
	require.Equal(t, uuid.Version(5), u.Version())
}

func TestTemplateOfDemandCarriesOrderPositions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tpl := b.demandTemplate(t)
	require.Empty(t, tpl.ID, "a template is not saved")
	require.Len(t, tpl.Rows(), 2)
	require.Equal(t, b.p1.ID, tpl.Rows()[0].Assortment.Meta.ID())
	require.Equal(t, 3.0, tpl.Rows()[0].Quantity)
	require.Equal(t, b.store.ID, tpl.Store.ID())
	require.NotNil(t, tpl.Agent)
	require.NotNil(t, tpl.CustomerOrder, "demand-new.yaml: the template is linked to its base")
}

func TestCreateTwiceMakesOneDocument(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tpl := b.demandTemplate(t)
	sid := moysklad.SyncID("fbox-1", "orders_shipment", "1001")
	d, err := b.client.Create(b.ctx, moysklad.TypeDemand, *tpl, sid, "positions")
	require.NoError(t, err)
	require.NotEmpty(t, d.ID)
	require.Len(t, d.Rows(), 2)
	again, err := b.client.Create(b.ctx, moysklad.TypeDemand, *tpl, sid)
	require.NoError(t, err, "a duplicate syncId is the same document")
	require.Equal(t, d.ID, again.ID)
	require.Equal(t, 1, b.count(t, moysklad.TypeDemand, sid))

	// The created document is an ordinary one: readable and writable.
	desc := "создан skladflow"
	_, err = b.client.UpdateDocument(b.ctx, moysklad.TypeDemand, d.ID, moysklad.DocumentUpdate{Description: &desc})
	require.NoError(t, err)
	got, err := b.srv.Document(moysklad.TypeDemand, d.ID)
	require.NoError(t, err)
	require.Equal(t, desc, got.Description)
}

func TestCreateWithLostAnswerMakesOneDocument(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tpl := b.demandTemplate(t)
	sid := moysklad.SyncID("fbox-1", "orders_shipment", "1002")
	b.srv.DropAnswerNext("POST", "/entity/demand")
	d, err := b.client.Create(b.ctx, moysklad.TypeDemand, *tpl, sid)
	require.NoError(t, err, "the document was made; the lookup finds it")
	require.NotEmpty(t, d.ID)
	require.Equal(t, 1, b.count(t, moysklad.TypeDemand, sid))

	// A 503 before anything was done: nothing found, a temporary error,
	// and the retry with the same syncId creates it once.
	sid2 := moysklad.SyncID("fbox-1", "orders_shipment", "1003")
	b.srv.FailNext(moyskladtest.Fault{Method: "POST", PathContains: "/entity/demand", Status: 503, Code: 1095})
	_, err = b.client.Create(b.ctx, moysklad.TypeDemand, *tpl, sid2)
	temp, said := retryhttp.Temporary(err)
	require.True(t, said && temp, "%v", err)
	require.Zero(t, b.count(t, moysklad.TypeDemand, sid2))
	_, err = b.client.Create(b.ctx, moysklad.TypeDemand, *tpl, sid2)
	require.NoError(t, err)
	require.Equal(t, 1, b.count(t, moysklad.TypeDemand, sid2))
}

func TestCreateRefusedSurfacesMoySkladError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tpl := b.demandTemplate(t)
	tpl.Store = nil // a posted demand needs a store (moysklad.md §4.1)
	_, err := b.client.Create(b.ctx, moysklad.TypeDemand, *tpl, moysklad.SyncID("x", "1"))
	var ae *moysklad.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, 412, ae.Status)
	require.True(t, ae.HasCode(moysklad.CodeRequiredField))
	require.Equal(t, "store", ae.Errors[0].Parameter)
	for _, r := range b.srv.Requests() {
		require.NotContains(t, r.RawQuery, "syncId", "a final refusal is not looked up")
	}
}
