package shipment

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

var byArticle = moysklad.SKUFields{Product: moysklad.SKUArticle, Variant: moysklad.SKUCode}

func TestBuildTask(t *testing.T) {
	t.Parallel()
	d := moyskladtest.Document(moysklad.TypePurchaseReturn)
	id := indocID(d, 1)
	require.Equal(t, "MSO-5f0a1b2c000011ef0a80000000000001", id)
	require.Equal(t, id+"-2", indocID(d, 2))

	prep := &catalogue.Prepared{Items: []catalogue.Item{{GoodID: "A-1", Quantity: 10, Price: 111111.4, Position: 0},
		{GoodID: "B-2", Quantity: 5, Price: 15000, Position: 1}, {GoodID: "A-1", Quantity: 2, Price: 111111.4, Position: 2}}}
	task, problems := buildTask(d, id, prep, true)
	require.Nil(t, problems)
	require.Equal(t, fulfillment.ShipmentTask{IndocType: "goods_shipment_task", IndocID: id, QualType: fulfillment.QualDefective,
		IndocTxt: "Возврат поставщику 00042 (МойСклад)",
		Items:    []fulfillment.ShipmentItem{{GoodID: "A-1", PlanQnt: 12, Price: 1111.11}, {GoodID: "B-2", PlanQnt: 5, Price: 150}}}, task)
	require.EqualValues(t, 17, totalPlanned(task))

	d.Meta.Type = moysklad.TypeDemand
	task, _ = buildTask(d, id, prep, true)
	require.Empty(t, task.QualType, "only purchase returns ship defective stock")
	require.Equal(t, "Отгрузка 00042 (МойСклад)", task.IndocTxt)

	_, problems = buildTask(d, id, &catalogue.Prepared{Services: []int{0}}, false)
	require.Equal(t, "в документе только услуги, товаров для склада нет", problems.Error())
}

// Lines of one good take its shipped total in document order; a line left
// without units goes, services stay, units beyond the plan go to the last
// line of the good, and a good the document has not got is only named.
func TestAdjustToShippedTotals(t *testing.T) {
	t.Parallel()
	a := moyskladtest.Product("a", "A-1", "Чайник")
	b := moyskladtest.Product("b", "B-2", "Кружка")
	svc := moyskladtest.Product("s", "", "Доставка")
	svc.Meta.Type = moysklad.AssortmentService
	rows := []moysklad.Position{moyskladtest.Position("p1", 4, a), moyskladtest.Position("p2", 3, b), moyskladtest.Position("p3", 4, a),
		moyskladtest.Position("p4", 1, svc)}

	adj := adjust(rows, shipped{totals: map[string]int64{"A-1": 6, "B-2": 0, "X-9": 2}}, byArticle, nil)
	require.Equal(t, map[string]float64{"p1": 4, "p3": 2, "p4": 1}, quantitiesOf(adj))
	require.Equal(t, map[string]int64{"A-1": 8, "B-2": 3}, adj.Planned)
	require.Equal(t, map[string]int64{"A-1": 6, "B-2": 0}, adj.Shipped)
	require.Equal(t, []string{
		"стр. 2 B-2 «Кружка»: план 3, не отгружено — строка удалена",
		"стр. 3 A-1 «Чайник»: план 4, отгружено 2 (недогруз 2)",
		"X-9: склад отгрузил 2 шт., которых нет в документе — не добавлены",
	}, adj.Differences)

	over := adjust(rows[:1], shipped{totals: map[string]int64{"A-1": 5}}, byArticle, nil)
	require.EqualValues(t, 5, over.Positions[0].Quantity)
	require.Equal(t, []string{"A-1: отгружено сверх плана 1 шт. — добавлено в строку"}, over.Differences)
}

// A bundle line keeps the bundles whose every component left: 3 sets of a
// kettle and two mugs, shipped with one mug short, are 2 sets.
func TestAdjustBundleByItsComponents(t *testing.T) {
	t.Parallel()
	set := moyskladtest.Product("k", "SET", "Набор")
	set.Meta.Type = moysklad.AssortmentBundle
	rows := []moysklad.Position{moyskladtest.Position("p1", 3, set)}
	adj := adjust(rows, shipped{totals: map[string]int64{"A-1": 3, "B-2": 5}}, byArticle, map[int]map[string]int64{0: {"A-1": 1, "B-2": 2}})
	require.Equal(t, map[string]float64{"p1": 2}, quantitiesOf(adj))
	require.Equal(t, []string{
		"стр. 1 комплект SET «Набор»: план 3, отгружено 2 (недогруз 1)",
		"A-1: 1 шт. отгружено сверх целых комплектов — не добавлены",
		"B-2: 1 шт. отгружено сверх целых комплектов — не добавлены",
	}, adj.Differences)
	require.Equal(t, map[string]int64{"A-1": 3, "B-2": 6}, adj.Planned)
	require.Equal(t, map[string]int64{"A-1": 2, "B-2": 4}, adj.Shipped)
}

func quantitiesOf(adj adjusted) map[string]float64 {
	out := map[string]float64{}
	for _, p := range adj.Positions {
		out[p.ID] = p.Quantity
	}
	return out
}

// A shortened serial line keeps the serials the warehouse scanned as
// shipped; without its scan, the first ones.
func TestAdjustSerialLineKeepsTheShippedSerials(t *testing.T) {
	t.Parallel()
	phone := moyskladtest.Product("ph", "PH-1", "Телефон")
	line := moyskladtest.Position("p1", 3, phone)
	line.SetThings([]string{"SN1", "SN2", "SN3"})
	body := &fulfillment.GoodsShipment{Pallets: fulfillment.Pallets{{Boxes: []fulfillment.Box{{Goods: []fulfillment.BoxGood{
		{GoodID: "PH-1", GoodSN: "SN3", Qnt: 1}, {GoodID: "PH-1", GoodSN: "SN1", Qnt: 1}}}}}}}
	adj := adjust([]moysklad.Position{line}, shippedOf(body), byArticle, nil)
	require.EqualValues(t, 2, adj.Positions[0].Quantity)
	require.Equal(t, []string{"SN1", "SN3"}, adj.Positions[0].Things())

	adj = adjust([]moysklad.Position{line}, shipped{totals: map[string]int64{"PH-1": 1}}, byArticle, nil)
	require.Equal(t, []string{"SN1"}, adj.Positions[0].Things())
}
