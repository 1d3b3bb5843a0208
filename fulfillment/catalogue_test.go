package fulfillment_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
)

func kettle() fulfillment.Good {
	return fulfillment.Good{GoodID: "A-1", GoodName: "ASFRW123 Чайник 2л Синий", Length: 250, Width: 200, Height: 220, Weight: 1200,
		EANs:       []fulfillment.EAN{{Mode: fulfillment.EANAdd, Value: "4601234567890"}},
		Attributes: []fulfillment.Attribute{{AttributeID: fulfillment.AttrGoodVAT, Value: 10}}}
}

func TestRegisterAndReadBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mug := fulfillment.Good{GoodID: "B-2", GoodType: fulfillment.GoodTypePack, GoodName: "Короб фирменный"}
	require.NoError(t, b.client.RegisterGoods(b.ctx, kettle(), mug))

	g, err := b.client.GoodInfo(b.ctx, "A-1")
	require.NoError(t, err)
	require.Equal(t, fulfillment.GoodTypeGood, g.GoodType, "good_type defaults to good")
	require.Equal(t, kettle().GoodName, g.GoodName)
	require.Equal(t, []int32{250, 200, 220, 1200}, []int32{g.Length, g.Width, g.Height, g.Weight})
	require.Equal(t, []string{"4601234567890"}, g.EANs)
	vat, ok := g.Attribute(fulfillment.AttrGoodVAT)
	require.True(t, ok)
	require.EqualValues(t, 10, vat)

	all, err := b.client.ListGoods(b.ctx, fulfillment.GoodFilter{})
	require.NoError(t, err)
	require.Equal(t, []string{"A-1", "B-2"}, goodIDs(all))
	packs, err := b.client.ListGoods(b.ctx, fulfillment.GoodFilter{GoodType: fulfillment.GoodTypePack})
	require.NoError(t, err)
	require.Equal(t, []string{"B-2"}, goodIDs(packs))

	_, err = b.client.GoodInfo(b.ctx, "NOPE")
	require.ErrorIs(t, err, fulfillment.ErrNotFound)
}

func TestRegisterBatches(t *testing.T) {
	t.Parallel()
	b := setup(t)
	goods := make([]fulfillment.Good, fulfillment.GoodsBatch+1)
	for i := range goods {
		goods[i] = fulfillment.Good{GoodID: fmt.Sprintf("G-%d", i), GoodName: "Товар"}
	}
	require.NoError(t, b.client.RegisterGoods(b.ctx, goods...))
	posts := 0
	for _, r := range b.srv.Requests() {
		if r.Method == "POST" && r.Path == "/goods" {
			posts++
		}
	}
	require.Equal(t, 2, posts)
	all, err := b.client.ListGoods(b.ctx, fulfillment.GoodFilter{PageSize: 200})
	require.NoError(t, err)
	require.Len(t, all, len(goods), "pages are followed to the end")
}

func TestUpdateCard(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.client.RegisterGoods(b.ctx, kettle()))
	upd := kettle()
	upd.GoodName = "ASFRW123 Чайник 2л Синий (новый)"
	upd.EANs = []fulfillment.EAN{{Value: "4601234567891"}}
	upd.Attributes = []fulfillment.Attribute{{AttributeID: fulfillment.AttrGoodVAT, Value: fulfillment.VATNone}}
	require.NoError(t, b.client.RegisterGoods(b.ctx, upd))
	g, err := b.client.GoodInfo(b.ctx, "A-1")
	require.NoError(t, err)
	require.Equal(t, upd.GoodName, g.GoodName)
	require.Equal(t, []string{"4601234567890", "4601234567891"}, g.EANs, "POST /goods adds barcodes, never drops them")
	vat, _ := g.Attribute(fulfillment.AttrGoodVAT)
	require.EqualValues(t, -1, vat)
	require.Len(t, g.Attributes, 1)
}

func TestBarcodeOfAnotherGood(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.client.RegisterGoods(b.ctx, kettle(), fulfillment.Good{GoodID: "B-2", GoodName: "Кружка"}))
	thief := fulfillment.Good{GoodID: "B-2", GoodName: "Кружка", EANs: []fulfillment.EAN{{Value: "4601234567890"}}}
	newcomer := fulfillment.Good{GoodID: "C-3", GoodName: "Ложка"}
	err := b.client.RegisterGoods(b.ctx, newcomer, thief)
	var fe *fulfillment.Error
	require.ErrorAs(t, err, &fe)
	require.Equal(t, fulfillment.CodeUnclassified, fe.Code)
	require.Contains(t, fe.Message, "4601234567890")
	_, err = b.client.GoodInfo(b.ctx, "C-3")
	require.ErrorIs(t, err, fulfillment.ErrNotFound, "a refused request is rolled back whole")

	require.Error(t, b.client.AddEANs(b.ctx, "B-2", "4601234567890"))
	thief.EANs[0].Mode = fulfillment.EANSet
	require.NoError(t, b.client.RegisterGoods(b.ctx, thief), "set moves the barcode")
	a, err := b.client.GoodInfo(b.ctx, "A-1")
	require.NoError(t, err)
	require.Empty(t, a.EANs)
}

func TestEANs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.client.RegisterGoods(b.ctx, kettle(), fulfillment.Good{GoodID: "B-2", GoodName: "Кружка"}))
	require.NoError(t, b.client.AddEANs(b.ctx, "B-2", "111", "222"))
	require.ErrorContains(t, b.client.AddEANs(b.ctx, "NOPE", "333"), "не зарегистрирован")
	require.NoError(t, b.client.ChangeEANs(b.ctx, fulfillment.EANChange{Set: []fulfillment.GoodEAN{{GoodID: "B-2", EAN: "4601234567890"}}}))
	require.NoError(t, b.client.RemoveEANs(b.ctx, "111"))

	recs, err := b.client.ListEANs(b.ctx, fulfillment.EANFilter{GoodIDs: []string{"B-2"}})
	require.NoError(t, err)
	var eans []string
	for _, r := range recs {
		require.Equal(t, "B-2", r.GoodID)
		require.False(t, r.CreatedAt.IsZero())
		eans = append(eans, r.EAN)
	}
	require.Equal(t, []string{"222", "4601234567890"}, eans)
}

func TestSupplyTaskRegistersInline(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.client.CreateSupplyTask(b.ctx, task("MS-1")))
	g, err := b.client.GoodInfo(b.ctx, "A-1")
	require.NoError(t, err)
	require.Equal(t, "Чайник", g.GoodName)
	require.Equal(t, []string{"4601234567890"}, g.EANs)

	require.NoError(t, b.client.RegisterGoods(b.ctx, fulfillment.Good{GoodID: "Z-9", GoodName: "Чужой"}))
	require.NoError(t, b.client.AddEANs(b.ctx, "Z-9", "999"))
	bad := task("MS-2")
	bad.Goods = append(bad.Goods, fulfillment.Good{GoodID: "C-3", GoodName: "Ложка", EANs: []fulfillment.EAN{{Value: "999"}}})
	bad.Items = append(bad.Items, fulfillment.TaskItem{GoodID: "C-3", PlanQnt: 1})
	require.ErrorContains(t, b.client.CreateSupplyTask(b.ctx, bad), "EAN 999")
	_, err = b.client.GetSupplyTask(b.ctx, "MS-2")
	require.ErrorIs(t, err, fulfillment.ErrNotFound)
	_, err = b.client.GoodInfo(b.ctx, "C-3")
	require.ErrorIs(t, err, fulfillment.ErrNotFound, "the task's goods are rolled back with it")
}

func TestCardRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cases := map[string]fulfillment.Good{
		"no good_name":         {GoodID: "X-1"},
		"no good_id":           {GoodName: "Без кода"},
		"good_id too long":     {GoodID: strings.Repeat("X", 256), GoodName: "Длинный"},
		"good_name too long":   {GoodID: "X-2", GoodName: strings.Repeat("Я", 256)},
		"unknown good_type":    {GoodID: "X-3", GoodName: "Тип", GoodType: "gadget"},
		"three sizes of four":  {GoodID: "X-4", GoodName: "Размер", Length: 1, Width: 1, Height: 1},
		"empty EAN":            {GoodID: "X-5", GoodName: "Штрихкод", EANs: []fulfillment.EAN{{Mode: "add"}}},
		"unknown EAN mode":     {GoodID: "X-6", GoodName: "Штрихкод", EANs: []fulfillment.EAN{{Mode: "move", Value: "1"}}},
		"attribute w/o value":  {GoodID: "X-7", GoodName: "Атрибут", Attributes: []fulfillment.Attribute{{AttributeID: 106}}},
		"attribute w/o its id": {GoodID: "X-8", GoodName: "Атрибут", Attributes: []fulfillment.Attribute{{Value: 1}}},
	}
	for name, g := range cases {
		var fe *fulfillment.Error
		require.ErrorAs(t, b.client.RegisterGoods(b.ctx, g), &fe, name)
		require.Equal(t, fulfillment.CodeUnclassified, fe.Code, name)
	}
	all, err := b.client.ListGoods(b.ctx, fulfillment.GoodFilter{})
	require.NoError(t, err)
	require.Empty(t, all)
}

func TestSizes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	feather := fulfillment.Good{GoodID: "F-1", GoodName: "Перо", Length: 1000, Width: 1000, Height: 1000, Weight: 1}
	require.NoError(t, b.client.RegisterGoods(b.ctx, kettle(), feather))
	f, err := b.client.GoodInfo(b.ctx, "F-1")
	require.NoError(t, err)
	require.Zero(t, f.Weight, "a density outside 10–1600 kg/m³ is ignored")

	require.NoError(t, b.srv.Measure("A-1", 260, 210, 230, 1300))
	require.NoError(t, b.client.RegisterGoods(b.ctx, kettle()))
	a, err := b.client.GoodInfo(b.ctx, "A-1")
	require.NoError(t, err)
	require.Equal(t, int32(1300), a.Weight, "once measured by the warehouse, the customer's sizes are ignored")
}

func TestListGoodsPaging(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var goods []fulfillment.Good
	for i := range 5 {
		goods = append(goods, fulfillment.Good{GoodID: fmt.Sprintf("P-%d", i), GoodName: "Товар"})
	}
	require.NoError(t, b.client.RegisterGoods(b.ctx, goods...))
	p1, err := b.client.ListGoodsPage(b.ctx, fulfillment.GoodFilter{PageSize: 2})
	require.NoError(t, err)
	require.Equal(t, []string{"P-0", "P-1"}, goodIDs(p1.Items))
	require.NotEmpty(t, p1.Next)
	p2, err := b.client.ListGoodsPage(b.ctx, fulfillment.GoodFilter{PageSize: 2, PageToken: p1.Next})
	require.NoError(t, err)
	require.Equal(t, []string{"P-2", "P-3"}, goodIDs(p2.Items))
	p3, err := b.client.ListGoodsPage(b.ctx, fulfillment.GoodFilter{PageSize: 2, PageToken: p2.Next})
	require.NoError(t, err)
	require.Equal(t, []string{"P-4"}, goodIDs(p3.Items))
	require.Empty(t, p3.Next, "the last page has no token")

	named, err := b.client.ListGoodsPage(b.ctx, fulfillment.GoodFilter{GoodIDs: []string{"P-1", "P-3", "P-4"}, PageSize: 1})
	require.NoError(t, err)
	require.Equal(t, []string{"P-1", "P-3", "P-4"}, goodIDs(named.Items), "named goods come whole, page_size ignored")
	require.Empty(t, named.Next)
}

func goodIDs(cards []fulfillment.GoodCard) []string {
	var ids []string
	for _, c := range cards {
		ids = append(ids, c.GoodID)
	}
	return ids
}
