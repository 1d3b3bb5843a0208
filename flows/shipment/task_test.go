package shipment

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

var byArticle = moysklad.SKUFields{Product: moysklad.SKUArticle, Variant: moysklad.SKUCode}

func TestBuildTask(t *testing.T) {
	t.Parallel()
	a := moyskladtest.Product("a", "A-1", "Чайник")
	b := moyskladtest.Product("b", "B-2", "Кружка")
	d := moyskladtest.Document(moysklad.TypePurchaseReturn, moyskladtest.Position("p1", 10, a), moyskladtest.Position("p2", 5, b), moyskladtest.Position("p3", 2, a))
	id := indocID(d, 1)
	require.Equal(t, "MSO-5f0a1b2c000011ef0a80000000000001", id)
	require.Equal(t, id+"-2", indocID(d, 2))

	task, problems := buildTask(d, id, byArticle, true)
	require.Nil(t, problems)
	require.Equal(t, fulfillment.ShipmentTask{IndocType: "goods_shipment_task", IndocID: id, QualType: fulfillment.QualDefective,
		IndocTxt: "Возврат поставщику 00042 (МойСклад)",
		Items:    []fulfillment.ShipmentItem{{GoodID: "A-1", PlanQnt: 12, Price: 150}, {GoodID: "B-2", PlanQnt: 5, Price: 150}}}, task)
	require.EqualValues(t, 17, totalPlanned(task))

	d.Meta.Type = moysklad.TypeDemand
	task, _ = buildTask(d, id, byArticle, true)
	require.Empty(t, task.QualType, "only purchase returns ship defective stock")
}

func TestBuildTaskListsEveryProblem(t *testing.T) {
	t.Parallel()
	noSKU := moyskladtest.Product("a", "", "Чайник без артикула")
	b := moyskladtest.Product("b", "B-2", "Кружка")
	d := moyskladtest.Document(moysklad.TypeDemand, moyskladtest.Position("p1", 10, noSKU), moyskladtest.Position("p2", 2.5, b), moyskladtest.Position("p3", 0, b))
	_, problems := buildTask(d, "X", byArticle, false)
	require.Equal(t, "стр. 1: у товара «Чайник без артикула» не заполнено поле «Артикул»; "+
		"стр. 2: B-2 «Кружка»: дробное количество 2.5, склад отгружает только целые; стр. 3: B-2 «Кружка»: количество 0, нужно больше нуля", problems.Error())
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

	adj := adjust(rows, map[string]int64{"A-1": 6, "B-2": 0, "X-9": 2}, byArticle)
	qty := map[string]float64{}
	for _, p := range adj.Positions {
		qty[p.ID] = p.Quantity
	}
	require.Equal(t, map[string]float64{"p1": 4, "p3": 2, "p4": 1}, qty)
	require.Equal(t, map[string]int64{"A-1": 8, "B-2": 3}, adj.Planned)
	require.Equal(t, map[string]int64{"A-1": 6, "B-2": 0}, adj.Shipped)
	require.Equal(t, []string{
		"стр. 2 B-2 «Кружка»: план 3, не отгружено — строка удалена",
		"стр. 3 A-1 «Чайник»: план 4, отгружено 2 (недогруз 2)",
		"X-9: склад отгрузил 2 шт., которых нет в документе — не добавлены",
	}, adj.Differences)

	over := adjust(rows[:1], map[string]int64{"A-1": 5}, byArticle)
	require.EqualValues(t, 5, over.Positions[0].Quantity)
	require.Equal(t, []string{"A-1: отгружено сверх плана 1 шт. — добавлено в строку"}, over.Differences)
}

func TestUnitPriceAfterDiscount(t *testing.T) {
	t.Parallel()
	var p moysklad.Position
	require.NoError(t, json.Unmarshal([]byte(`{"quantity":3,"price":123457,"discount":10}`), &p))
	require.Equal(t, 1111.11, unitPrice(p), "1234.57 ₽ less 10 %, to the kopeck")
	require.NoError(t, json.Unmarshal([]byte(`{"quantity":1}`), &p))
	require.Zero(t, unitPrice(p), "no price: none sent")
}
