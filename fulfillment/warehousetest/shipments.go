package warehousetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
)

// ShipmentDriver plays the warehouse's side of shipment tasks;
// *fboxtest.Server is one. A driver without it skips the subtests that
// need the warehouse to pick or ship.
type ShipmentDriver interface {
	StartShipmentPicking(indocID string) int64
	ShipmentReady(indocID string, short map[string]int32) int64
	ShipGoods(indocID string, short map[string]int32) (int64, error)
}

// shipmentTests: the first two need no driver and run against a real
// account too.
var shipmentTests = []subtest{
	{name: "ShipmentTaskReadBackAndDelete", run: shipmentTaskReadBackAndDelete},
	{name: "ShipmentTaskUnregisteredGood", run: shipmentTaskUnregisteredGood},
	{name: "ShipmentShortPickTotals", needs: []need{needReceive}, run: shipmentShortPickTotals},
	{name: "ShipmentNoDeleteAfterPicking", needs: []need{needReceive}, run: shipmentNoDeleteAfterPicking},
}

// shipper is the driver's shipment side; a driver without one skips. The
// start and ready documents are optional (#doc_option_desc): they are
// turned on first.
func (e *env) shipper(t *testing.T) ShipmentDriver {
	t.Helper()
	d, ok := e.d.(ShipmentDriver)
	if !ok {
		t.Skip("the driver cannot make the warehouse pick or ship (ShipmentDriver)")
	}
	require.NoError(t, e.w.EnableOutdocTypes(e.ctx, fulfillment.OutdocShipmentStart, fulfillment.OutdocShipmentReady))
	return d
}

// shipment creates a goods_shipment_task for the suite's goods, which a
// supply task registers first (#goods_shipment_desc step 1: goods must be
// registered), and deletes it at the end where the warehouse allows.
func (e *env) shipment(t *testing.T) fulfillment.ShipmentTask {
	t.Helper()
	e.created(t) // registers goodA and goodB inline
	tk := fulfillment.ShipmentTask{IndocID: e.id(), IndocTxt: "skladflow conformance shipment",
		Items: []fulfillment.ShipmentItem{{GoodID: goodA, PlanQnt: 12, Price: 990}, {GoodID: goodB, PlanQnt: 2}}}
	require.NoError(t, e.w.CreateShipmentTask(e.ctx, tk), "create %s", tk.IndocID)
	t.Cleanup(func() { _ = e.w.DeleteIndoc(context.WithoutCancel(e.ctx), tk.IndocID) })
	return tk
}

// Schema goods_shipment_task, fbox.md §9: the task reads back from GET
// /indocs/{id}/json with its type and items; its number answers 1001 when
// sent again; before picking starts it can be deleted (#goods_shipment_desc
// «Замечания»), and then it is gone.
func shipmentTaskReadBackAndDelete(t *testing.T, e *env) {
	tk := e.shipment(t)
	got, err := e.w.GetShipmentTask(e.ctx, tk.IndocID)
	require.NoError(t, err)
	require.Equal(t, fulfillment.IndocShipmentTask, got.IndocType)
	require.True(t, tk.SameItems(*got), "items read back: %+v", got.Items)
	require.ErrorIs(t, e.w.CreateShipmentTask(e.ctx, tk), fulfillment.ErrDuplicate)
	require.NoError(t, e.w.DeleteIndoc(e.ctx, tk.IndocID))
	_, err = e.w.GetShipmentTask(e.ctx, tk.IndocID)
	require.ErrorIs(t, err, fulfillment.ErrNotFound)
}

// #goods_shipment_desc step 1 («Все товары участвующие в отгрузке должны
// быть актуализированы»): a task naming a good the catalogue has not got
// is refused, and nothing is created.
func shipmentTaskUnregisteredGood(t *testing.T, e *env) {
	id := e.id()
	err := e.w.CreateShipmentTask(e.ctx, fulfillment.ShipmentTask{IndocID: id,
		Items: []fulfillment.ShipmentItem{{GoodID: "SKLADFLOW-CT-NEVER-" + e.ids.run, PlanQnt: 1}}})
	refusal(t, err)
	_, err = e.w.GetShipmentTask(e.ctx, id)
	require.ErrorIs(t, err, fulfillment.ErrNotFound)
}

// fbox.md §6.3, schemas goods_shipment_ready / goods_shipment / gplt_out,
// #good_move_desc: picked and shipped quantities are the sums over
// pallets and boxes; a short pick is only a smaller total; the shipment
// takes exactly that from stock (GET /outdocs/{id}/goods, negative qnt).
func shipmentShortPickTotals(t *testing.T, e *env) {
	d := e.shipper(t)
	tk := e.shipment(t)
	short := map[string]int32{goodA: 3}
	ready := d.ShipmentReady(tk.IndocID, short)
	require.NotZero(t, ready)
	picked, err := e.w.GetGoodsShipmentReady(e.ctx, ready)
	require.NoError(t, err)
	require.Equal(t, map[string]int64{goodA: 9, goodB: 2}, picked.Totals())

	id, err := d.ShipGoods(tk.IndocID, short)
	require.NoError(t, err)
	require.Equal(t, []int64{ready, id}, ids(e.of(t, tk.IndocID, fulfillment.OutdocFilter{})))
	shipped, err := e.w.GetGoodsShipment(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, tk.IndocID, shipped.Common.IndocID)
	require.Equal(t, map[string]int64{goodA: 9, goodB: 2}, shipped.Totals())
	for _, p := range shipped.Pallets {
		for _, b := range p.Boxes {
			require.NotEmpty(t, b.BoxUpperBar, "gplt_out: box_upper_bar is required")
			require.NotEmpty(t, b.BoxLowerBar, "gplt_out: box_lower_bar is required")
		}
	}
	moves, err := e.w.OutdocGoods(e.ctx, id)
	require.NoError(t, err)
	took := map[string]int64{}
	for _, m := range moves {
		require.Equal(t, fulfillment.QualUseful, m.QualType)
		took[m.GoodID] += int64(m.Qnt)
	}
	require.Equal(t, map[string]int64{goodA: -9, goodB: -2}, took)
}

// #goods_shipment_desc «Замечания»: once picking started
// (goods_shipment_start) the task cannot be deleted.
func shipmentNoDeleteAfterPicking(t *testing.T, e *env) {
	d := e.shipper(t)
	tk := e.shipment(t)
	start := d.StartShipmentPicking(tk.IndocID)
	require.NotZero(t, start)
	hs := e.of(t, tk.IndocID, fulfillment.OutdocFilter{OutdocType: fulfillment.OutdocShipmentStart})
	require.Equal(t, []int64{start}, ids(hs))
	refusal(t, e.w.DeleteIndoc(e.ctx, tk.IndocID))
	_, err := e.w.GetShipmentTask(e.ctx, tk.IndocID)
	require.NoError(t, err, "the task stays")
}
