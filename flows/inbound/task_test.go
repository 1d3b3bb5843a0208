package inbound

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func TestBuildSupplyTask(t *testing.T) {
	t.Parallel()
	a := moyskladtest.Product("a", "A-1", "Чайник")
	d := moyskladtest.Document(moysklad.TypeSupply, moyskladtest.Position("p1", 10, a))
	id := indocID(d, 1)
	require.Equal(t, "MS-5f0a1b2c000011ef0a80000000000001", id)
	require.Equal(t, id+"-2", indocID(d, 2))

	prep := &catalogue.Prepared{Items: []catalogue.Item{{GoodID: "A-1", Quantity: 10, Position: 0}, {GoodID: "B-2", Quantity: 5, Position: 1},
		{GoodID: "A-1", Quantity: 2, Position: 2}}}
	task, problems := buildSupplyTask(d, id, prep)
	require.Nil(t, problems)
	require.Equal(t, fulfillment.SupplyTask{
		IndocType: "goods_supply_task", IndocID: id, IndocTxt: "Приёмка 00042 (МойСклад)",
		Items: []fulfillment.TaskItem{{GoodID: "A-1", PlanQnt: 12}, {GoodID: "B-2", PlanQnt: 5}},
	}, task, "lines of one good are merged; the goods were registered before, none inline")
	require.EqualValues(t, 17, totalQnt(task))
}

func TestBuildSupplyTaskProblems(t *testing.T) {
	t.Parallel()
	require.EqualError(t, documentProblems(moyskladtest.Document(moysklad.TypeSupply)), "в документе нет позиций")
	d := moyskladtest.Document(moysklad.TypeSupply, moyskladtest.Position("p1", 1, moyskladtest.Product("a", "A-1", "Чайник")))
	require.Nil(t, documentProblems(d))
	_, problems := buildSupplyTask(d, "X", &catalogue.Prepared{Services: []int{0}})
	require.EqualError(t, problems, "в документе только услуги, товаров для склада нет")
}

func TestSameTask(t *testing.T) {
	t.Parallel()
	x := fulfillment.SupplyTask{Items: []fulfillment.TaskItem{{GoodID: "A", PlanQnt: 1}, {GoodID: "B", PlanQnt: 2}}}
	y := fulfillment.SupplyTask{Items: []fulfillment.TaskItem{{GoodID: "B", PlanQnt: 2}, {GoodID: "A", PlanQnt: 1}}}
	z := fulfillment.SupplyTask{Items: []fulfillment.TaskItem{{GoodID: "B", PlanQnt: 3}, {GoodID: "A", PlanQnt: 1}}}
	require.True(t, sameTask(x, y))
	require.False(t, sameTask(x, z))
}
