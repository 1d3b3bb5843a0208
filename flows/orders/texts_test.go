package orders

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
)

func TestWarehouseTextsNameGoodsAndCodes(t *testing.T) {
	t.Parallel()
	goods := map[string]good{"p1": {ID: "KT-1700", Name: "Чайник"}}
	d := fulfillment.DeficitOrder{OrderID: "1", ErrorCode: 1000, ErrorDescrip: "Заказ не обеспечен товарами", Goods: []fulfillment.DeficitGood{
		{GoodID: "KT-1700", Qnt: 2}, {GoodID: "X-1", Qnt: 1, ErrorCode: 1000, ErrorDescrip: "Нет на складе"}}}
	require.Equal(t, "KT-1700 «Чайник» не хватает 2 шт.; X-1 не хватает 1 шт. (1000: Нет на складе)", deficitText(d, goods))
	d.Goods = nil
	require.Equal(t, "1000: Заказ не обеспечен товарами", deficitText(d, goods), "no goods named: the order's own error")

	c := fulfillment.CancelledOrder{OrderID: "1", CancelReason: 2, CancelReasonDescrip: "Адрес вне зоны доставки",
		Goods: []fulfillment.CancelledGood{{GoodID: "KT-1700", Qnt: 1, CancelReason: 5, CancelReasonDescrip: "Запрещён к пересылке"}}}
	require.Equal(t, "2: Адрес вне зоны доставки; KT-1700 1 шт. — 5: Запрещён к пересылке", cancelReason(c))

	de := &deliveryError{ID: 99, Have: []string{"1 «Почта России»", "3 «СДЭК»"}}
	require.Equal(t, "служба доставки 99 не подключена на складе; подключены: 1 «Почта России», 3 «СДЭК»", de.Error())
	require.False(t, de.Temporary(), "staff must fix the order")
}

func TestPickedByTheOrdersDocuments(t *testing.T) {
	t.Parallel()
	info := &fulfillment.OrderInfo{Outdocs: []fulfillment.OrderOutdoc{{OutdocType: fulfillment.OutdocOrdersDeficit}}}
	require.False(t, picked(info), "a deficit is still in the pool: the order may change")
	info.Outdocs = append(info.Outdocs, fulfillment.OrderOutdoc{OutdocType: fulfillment.OutdocOrdersProductionStart})
	require.True(t, picked(info))
}

func TestSameGoodsCountsUnits(t *testing.T) {
	t.Parallel()
	o := fulfillment.Order{OrderID: "7", Goods: []fulfillment.OrderGood{{GoodID: "A"}, {GoodID: "A"}, {GoodID: "B"}}}
	info := &fulfillment.OrderInfo{Goods: []fulfillment.OrderInfoGood{{GoodID: "B"}, {GoodID: "A"}, {GoodID: "A"}}}
	require.True(t, sameGoods(o, info), "order of lines does not matter")
	info.Goods = info.Goods[:2]
	require.False(t, sameGoods(o, info), "one unit fewer is another order")
	require.EqualError(t, &changedError{OrderID: "7"}, "на складе уже есть заказ 7 с другим составом; отмените его («Отменить») и передайте заказ снова")
}
