package orchestrator

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
)

func document(t *testing.T, typ string, ps ...moysklad.Position) *moysklad.Document {
	t.Helper()
	return &moysklad.Document{
		Meta: moysklad.Meta{Type: typ}, ID: "5f0a1b2c-0000-11ef-0a80-000000000001", Name: "00042",
		Positions: &moysklad.Positions{Rows: rows(t, ps...)},
	}
}

func TestBuildSupplyTask(t *testing.T) {
	t.Parallel()
	a := product("a", "A-1", "Чайник")
	a.Barcodes = []moysklad.Barcode{{"ean13": "4601234567890"}}
	b := product("b", "B-2", "Кружка")
	d := document(t, moysklad.TypeSupply, pos("p1", 10, a), pos("p2", 5, b), pos("p3", 2, a))
	id := indocID(d, 1)
	require.Equal(t, "MS-5f0a1b2c000011ef0a80000000000001", id)
	require.Equal(t, id+"-2", indocID(d, 2))

	task, problems := buildSupplyTask(d, id, "article")
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
	noSKU := product("a", "", "Чайник без артикула")
	b := product("b", "B-2", "Кружка")
	d := document(t, moysklad.TypeMove, pos("p1", 10, noSKU), pos("p2", 2.5, b), pos("p3", 0, b))
	_, problems := buildSupplyTask(d, "X", "article")
	require.NotNil(t, problems)
	require.Equal(t, "стр. 1: у товара «Чайник без артикула» не заполнено поле «Артикул»; "+
		"стр. 2: B-2 «Кружка»: дробное количество 2.5, склад принимает только целые; "+
		"стр. 3: B-2 «Кружка»: количество 0, нужно больше нуля", problems.Error())

	_, problems = buildSupplyTask(document(t, moysklad.TypeSupply), "X", "code")
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

func TestPlural(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "1 позиция", 2: "2 позиции", 5: "5 позиций", 11: "11 позиций", 21: "21 позиция", 112: "112 позиций", 104: "104 позиции"} {
		require.Equal(t, want, positions(n))
	}
}
