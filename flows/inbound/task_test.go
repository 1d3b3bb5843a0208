package inbound

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func TestBuildSupplyTask(t *testing.T) {
	t.Parallel()
	a := moyskladtest.Product("a", "A-1", "Чайник")
	a.Barcodes = []moysklad.Barcode{{"ean13": "4601234567890"}}
	b := moyskladtest.Product("b", "B-2", "Кружка")
	d := moyskladtest.Document(moysklad.TypeSupply, moyskladtest.Position("p1", 10, a), moyskladtest.Position("p2", 5, b), moyskladtest.Position("p3", 2, a))
	id := indocID(d, 1)
	require.Equal(t, "MS-5f0a1b2c000011ef0a80000000000001", id)
	require.Equal(t, id+"-2", indocID(d, 2))

	task, problems := buildSupplyTask(d, id, byArticle)
	require.Nil(t, problems)
	require.Equal(t, fulfillment.SupplyTask{
		IndocType: "goods_supply_task", IndocID: id, IndocTxt: "Приёмка 00042 (МойСклад)",
		Goods: []fulfillment.Good{
			{GoodID: "A-1", GoodName: "Чайник", EANs: []fulfillment.EAN{{Mode: "add", Value: "4601234567890"}}},
			{GoodID: "B-2", GoodName: "Кружка"},
		},
		Items: []fulfillment.TaskItem{{GoodID: "A-1", PlanQnt: 12}, {GoodID: "B-2", PlanQnt: 5}},
	}, task)
	require.EqualValues(t, 17, totalQnt(task))
}

func TestBuildSupplyTaskListsEveryProblem(t *testing.T) {
	t.Parallel()
	noSKU := moyskladtest.Product("a", "", "Чайник без артикула")
	b := moyskladtest.Product("b", "B-2", "Кружка")
	d := moyskladtest.Document(moysklad.TypeMove, moyskladtest.Position("p1", 10, noSKU), moyskladtest.Position("p2", 2.5, b), moyskladtest.Position("p3", 0, b))
	_, problems := buildSupplyTask(d, "X", byArticle)
	require.NotNil(t, problems)
	require.Equal(t, "стр. 1: у товара «Чайник без артикула» не заполнено поле «Артикул»; "+
		"стр. 2: B-2 «Кружка»: дробное количество 2.5, склад принимает только целые; "+
		"стр. 3: B-2 «Кружка»: количество 0, нужно больше нуля", problems.Error())

	_, problems = buildSupplyTask(moyskladtest.Document(moysklad.TypeSupply), "X", moysklad.SKUFields{Product: "code", Variant: "code"})
	require.EqualError(t, problems, "в документе нет позиций")
}

func TestSameTask(t *testing.T) {
	t.Parallel()
	x := fulfillment.SupplyTask{Items: []fulfillment.TaskItem{{GoodID: "A", PlanQnt: 1}, {GoodID: "B", PlanQnt: 2}}}
	y := fulfillment.SupplyTask{Items: []fulfillment.TaskItem{{GoodID: "B", PlanQnt: 2}, {GoodID: "A", PlanQnt: 1}}}
	z := fulfillment.SupplyTask{Items: []fulfillment.TaskItem{{GoodID: "B", PlanQnt: 3}, {GoodID: "A", PlanQnt: 1}}}
	require.True(t, sameTask(x, y))
	require.False(t, sameTask(x, z))
}
