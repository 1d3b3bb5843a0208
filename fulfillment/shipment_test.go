package fulfillment_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
)

func shipTask(id string) fulfillment.ShipmentTask {
	return fulfillment.ShipmentTask{IndocID: id, IndocTxt: "Отгрузка 7",
		Items: []fulfillment.ShipmentItem{{GoodID: "A-1", PlanQnt: 25, Price: 120.5}, {GoodID: "B-2", PlanQnt: 3}}}
}

func setupShipments(t *testing.T) *bundle {
	t.Helper()
	b := setup(t)
	require.NoError(t, b.client.RegisterGoods(b.ctx, fulfillment.Good{GoodID: "A-1", GoodName: "Чайник"}, fulfillment.Good{GoodID: "B-2", GoodName: "Кружка"}))
	require.NoError(t, b.client.EnableOutdocTypes(b.ctx, fulfillment.OutdocShipmentStart, fulfillment.OutdocShipmentReady))
	return b
}

func TestShipmentTaskCreateReadDuplicate(t *testing.T) {
	t.Parallel()
	b := setupShipments(t)
	require.NoError(t, b.client.CreateShipmentTask(b.ctx, shipTask("S-1")))
	err := b.client.CreateShipmentTask(b.ctx, shipTask("S-1"))
	require.ErrorIs(t, err, fulfillment.ErrDuplicate)

	got, err := b.client.GetShipmentTask(b.ctx, "S-1")
	require.NoError(t, err)
	require.Equal(t, fulfillment.IndocShipmentTask, got.IndocType)
	require.Equal(t, shipTask("S-1").Items, got.Items)
	require.True(t, shipTask("S-1").SameItems(*got))
	other := shipTask("S-1")
	other.Items[0].PlanQnt = 24
	require.False(t, other.SameItems(*got))

	// A number is unique across every incoming type (fbox.md §9).
	err = b.client.CreateSupplyTask(b.ctx, fulfillment.SupplyTask{IndocID: "S-1", Items: []fulfillment.TaskItem{{GoodID: "A-1", PlanQnt: 1}}})
	require.ErrorIs(t, err, fulfillment.ErrDuplicate)
}

func TestShipmentTaskRefusesUnregisteredGood(t *testing.T) {
	t.Parallel()
	b := setupShipments(t)
	task := shipTask("S-2")
	task.Items = append(task.Items, fulfillment.ShipmentItem{GoodID: "NEW-9", PlanQnt: 1})
	err := b.client.CreateShipmentTask(b.ctx, task)
	var fb *fulfillment.Error
	require.ErrorAs(t, err, &fb)
	require.Equal(t, fulfillment.CodeUnclassified, fb.Code)
	require.Contains(t, fb.Message, "Товар NEW-9 не зарегистрирован")
	_, found := b.srv.ShipmentTask("S-2")
	require.False(t, found)
}

func TestShipmentOutdocsTotalsAndMoves(t *testing.T) {
	t.Parallel()
	b := setupShipments(t)
	task := shipTask("S-3")
	task.QualType = fulfillment.QualDefective
	require.NoError(t, b.client.CreateShipmentTask(b.ctx, task))

	start := b.srv.StartShipmentPicking("S-3")
	require.NotZero(t, start)
	ready := b.srv.ShipmentReady("S-3", map[string]int32{"A-1": 5})
	require.NotZero(t, ready)
	picked, err := b.client.GetGoodsShipmentReady(b.ctx, ready)
	require.NoError(t, err)
	require.Equal(t, map[string]int64{"A-1": 20, "B-2": 3}, picked.Totals())
	require.Equal(t, "S-3", picked.Common.IndocID)

	shipped, err := b.srv.ShipGoods("S-3", map[string]int32{"A-1": 4, "B-2": 3})
	require.NoError(t, err)
	body, err := b.client.GetGoodsShipment(b.ctx, shipped)
	require.NoError(t, err)
	require.Equal(t, fulfillment.OutdocShipment, body.OutdocType)
	require.Equal(t, map[string]int64{"A-1": 21}, body.Totals(), "a good short by its whole plan is not shipped at all")
	require.Greater(t, len(body.Pallets), 1, "21 units span several boxes and pallets")

	moves, err := b.client.OutdocGoods(b.ctx, shipped)
	require.NoError(t, err)
	require.Equal(t, []fulfillment.GoodMove{{GoodID: "A-1", GoodState: fulfillment.GoodStateStock, QualType: fulfillment.QualDefective, Qnt: -21}}, moves)
	none, err := b.client.OutdocGoods(b.ctx, start)
	require.NoError(t, err)
	require.Empty(t, none, "picking moves no stock")

	_, err = b.client.GetGoodsShipment(b.ctx, start)
	require.ErrorContains(t, err, "is not goods_shipment")
}

func TestShipmentTaskDeleteOnlyBeforePicking(t *testing.T) {
	t.Parallel()
	b := setupShipments(t)
	require.NoError(t, b.client.CreateShipmentTask(b.ctx, shipTask("S-4")))
	require.NoError(t, b.client.DeleteIndoc(b.ctx, "S-4"))
	_, err := b.client.GetShipmentTask(b.ctx, "S-4")
	require.ErrorIs(t, err, fulfillment.ErrNotFound)

	require.NoError(t, b.client.CreateShipmentTask(b.ctx, shipTask("S-4")), "a deleted number is free again")
	require.NotZero(t, b.srv.StartShipmentPicking("S-4"))
	err = b.client.DeleteIndoc(b.ctx, "S-4")
	var fb *fulfillment.Error
	require.ErrorAs(t, err, &fb)
	require.Contains(t, fb.Message, "начат подбор")
	_, found := b.srv.ShipmentTask("S-4")
	require.True(t, found)
}

func TestParseGoodsShipmentBodies(t *testing.T) {
	t.Parallel()
	s, err := fulfillment.ParseGoodsShipment([]byte(`{"success":true,"outdoc_type":"goods_shipment","common":{"outdoc_id":7,"outdoc_type":"goods_shipment","indoc_id":"X"},
		"pallets":[{"boxes":[{"box_id":1,"box_upper_bar":"u","box_lower_bar":"l","goods":[{"good_id":"A","qnt":2,"expiry_date":"2027-01-31"},{"good_id":"B","qnt":1}]}]},
		{"plt_id":4,"boxes":[{"box_id":2,"box_upper_bar":"u","box_lower_bar":"l","goods":[{"good_id":"A","qnt":3,"good_sn":"SN1"}]}]}]}`))
	require.NoError(t, err)
	require.Equal(t, map[string]int64{"A": 5, "B": 1}, s.Totals())
	require.Equal(t, "X", s.Common.IndocID)
	st, err := fulfillment.ParseGoodsShipmentStart([]byte(`{"outdoc_type":"goods_shipment_start","common":{"outdoc_id":8,"indoc_id":"X"}}`))
	require.NoError(t, err)
	require.Equal(t, int64(8), st.Common.OutdocID)
	_, err = fulfillment.ParseGoodsShipmentReady([]byte(`{"outdoc_type":"goods_supply"}`))
	require.Error(t, err)
}
