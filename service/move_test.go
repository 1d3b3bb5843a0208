package service_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
)

// A move between two warehouses is one document carried by two flows:
// shipped out of the first (a goods_shipment_task there), then handed to
// the second with what really left (a goods_supply_task), received there
// and posted.
func TestMoveBetweenTwoWarehouses(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{second: true})
	fb2, store2 := b.h.FBox2, b.h.Store2
	doc, err := b.ms.CreateDocument(moysklad.TypeMove, moyskladtest.DocumentSpec{Name: "П-7", Description: "Перемещение на второй склад",
		SourceStore: b.store.ID, TargetStore: store2.ID, Positions: []moyskladtest.PositionSpec{
			{ProductID: b.p.kettle.ID, Quantity: 5}, {ProductID: b.p.mug.ID, Quantity: 3}}})
	require.NoError(t, err)
	b.setStatus(t, moysklad.TypeMove, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeMove, doc.ID, "Передан")
	out := b.row(t, moysklad.TypeMove, doc.ID)
	require.Equal(t, "shipment", out.Flow)
	_, ok := b.fb.ShipmentTask(out.IndocID)
	require.True(t, ok, "the first warehouse ships it")
	require.Empty(t, fb2.SupplyTasks())

	// One mug is not found: the second warehouse is told what really left.
	shipped, err := b.fb.ShipGoods(out.IndocID, map[string]int32{"MG-350": 1})
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	in, err := b.h.WaitDocument(b.ctx, moysklad.TypeMove, doc.ID, func(r storage.Document) bool {
		return r.Flow == "inbound" && r.State == "submitted"
	})
	require.NoError(t, err, "handed to the receiving flow, which submits it")
	require.Equal(t, "Второй склад", in.Warehouse)
	task, ok := fb2.SupplyTask(in.IndocID)
	require.True(t, ok, "the second warehouse expects it")
	require.Equal(t, []fulfillment.TaskItem{{GoodID: "KT-1700", PlanQnt: 5}, {GoodID: "MG-350", PlanQnt: 2}}, task.Items)
	b.waitLocked(t, shipped)

	_, err = fb2.ReceiveExact(in.IndocID)
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	d := b.waitStatus(t, moysklad.TypeMove, doc.ID, "Проведён")
	require.True(t, d.Applicable)
	require.Equal(t, map[string]float64{"KT-1700": 5, "MG-350": 2}, quantities(d))
	lines := logLines(d)
	require.Len(t, lines, 4, "%q", d.Description)
	require.Contains(t, lines[0], "Передан на отгрузку складу БетаПРО")
	require.Contains(t, lines[1], "Отгружено складом БетаПРО (док. склада "+itoa(shipped)+"): отгружено 7 из 8 шт.")
	require.Contains(t, lines[1], "передаю перемещение на склад Второй склад")
	require.Contains(t, lines[2], "Передан на склад Второй склад: задание "+in.IndocID)
	require.Contains(t, lines[3], "Оприходовано на складе Второй склад")
	require.Contains(t, lines[3], "без расхождений")

	// The first warehouse corrects its shipment after the second took the
	// move: left for staff, said in the timeline, the move untouched.
	require.NoError(t, b.fb.CorrectShipment(shipped, nil))
	require.NoError(t, b.svc.PollNow(b.ctx))
	_, err = b.h.WaitTimeline(b.ctx, moysklad.TypeMove, doc.ID, func(tl []storage.TimelineEntry) bool {
		return slices.ContainsFunc(tl, func(e storage.TimelineEntry) bool {
			return strings.Contains(e.Message, "склад БетаПРО: документ уже передан потоку inbound; документ склада "+itoa(shipped)+" (goods_shipment)")
		})
	})
	require.NoError(t, err)
	got, err := b.ms.Document(moysklad.TypeMove, doc.ID)
	require.NoError(t, err)
	require.Equal(t, d.Description, got.Description)
	require.Equal(t, "Проведён", got.StateName())
}
