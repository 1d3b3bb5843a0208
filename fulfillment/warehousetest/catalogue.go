package warehousetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
)

// catalogueTests need no driver: they run against a real account too. A
// real account never frees a good_id (#good_id_desc), so every subtest
// uses its own fixed goods and barcodes (from the in-store EAN range 2…)
// and puts the run id into names, to see its own write.
var catalogueTests = []subtest{
	{name: "CatalogueRegisterAndReadBack", run: catalogueRegisterAndReadBack},
	{name: "CatalogueUpdateCard", run: catalogueUpdateCard},
	{name: "CatalogueBarcodeOfAnotherGood", run: catalogueBarcodeOfAnotherGood},
	{name: "CatalogueListPaging", run: catalogueListPaging},
	{name: "CatalogueRefusedCards", run: catalogueRefusedCards},
	{name: "CatalogueUnknownGood", run: catalogueUnknownGood},
	{name: "CatalogueInlineFromSupplyTask", run: catalogueInlineFromSupplyTask},
}

// catalogue is the backend's catalogue; a backend without one skips.
func (e *env) catalogue(t *testing.T) fulfillment.Catalogue {
	t.Helper()
	c, ok := e.w.(fulfillment.Catalogue)
	if !ok {
		t.Skip("the backend has no catalogue of goods (fulfillment.Catalogue)")
	}
	return c
}

func catGood(suffix string) string { return "SKLADFLOW-CT-CAT-" + suffix }

// #good_set_desc, good_set_req, good_info_resp, good_list_resp: a card
// sent with POST /goods reads back from GET /goods/{good_id}/info (with its
// EANs and attributes) and from POST /goods/list.
func catalogueRegisterAndReadBack(t *testing.T, e *env) {
	c := e.catalogue(t)
	g := fulfillment.Good{GoodID: catGood("READ"), GoodName: "Conformance kettle " + e.ids.run,
		Length: 250, Width: 200, Height: 220, Weight: 1200, // 109 kg/m³: kept (#good_dim_desc)
		EANs:       []fulfillment.EAN{{Mode: fulfillment.EANSet, Value: "2000000091001"}},
		Attributes: []fulfillment.Attribute{{AttributeID: fulfillment.AttrGoodVAT, Value: 10}}}
	require.NoError(t, c.RegisterGoods(e.ctx, g))

	got, err := c.GoodInfo(e.ctx, g.GoodID)
	require.NoError(t, err)
	require.Equal(t, g.GoodID, got.GoodID)
	require.Equal(t, g.GoodName, got.GoodName)
	require.Equal(t, fulfillment.GoodTypeGood, got.GoodType, "good_type defaults to good")
	require.Equal(t, []int32{250, 200, 220, 1200}, []int32{got.Length, got.Width, got.Height, got.Weight})
	require.Contains(t, got.EANs, "2000000091001")
	vat, ok := got.Attribute(fulfillment.AttrGoodVAT)
	require.True(t, ok, "attribute 106 is on the card")
	require.Equal(t, "10", fmt.Sprint(vat))

	listed, err := c.ListGoods(e.ctx, fulfillment.GoodFilter{GoodIDs: []string{g.GoodID}})
	require.NoError(t, err)
	require.Len(t, listed, 1)
	require.Equal(t, g.GoodName, listed[0].GoodName)
}

// #good_set_desc («актуализация»), #good_id_desc, #ean_desc: sending a card
// again updates it under the same good_id; barcodes it names are added,
// none dropped.
func catalogueUpdateCard(t *testing.T, e *env) {
	c := e.catalogue(t)
	id := catGood("UPD")
	first := fulfillment.Good{GoodID: id, GoodName: "Conformance mug " + e.ids.run + " v1",
		EANs: []fulfillment.EAN{{Mode: fulfillment.EANSet, Value: "2000000092008"}}}
	require.NoError(t, c.RegisterGoods(e.ctx, first))
	second := fulfillment.Good{GoodID: id, GoodName: "Conformance mug " + e.ids.run + " v2",
		EANs: []fulfillment.EAN{{Mode: fulfillment.EANSet, Value: "2000000092015"}}}
	require.NoError(t, c.RegisterGoods(e.ctx, second))

	got, err := c.GoodInfo(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, id, got.GoodID)
	require.Equal(t, second.GoodName, got.GoodName)
	require.Subset(t, got.EANs, []string{"2000000092008", "2000000092015"})
}

// #ean_desc («Одному EAN может соответствовать не более одного кода
// товара»), good_set_req eans.mode and good_ean_set_req: add refuses a
// barcode bound to another good, and the refusal changes nothing; set
// moves it.
func catalogueBarcodeOfAnotherGood(t *testing.T, e *env) {
	c := e.catalogue(t)
	owner, other := catGood("EAN-1"), catGood("EAN-2")
	const ean = "2000000093005"
	require.NoError(t, c.RegisterGoods(e.ctx,
		fulfillment.Good{GoodID: owner, GoodName: "Conformance owner " + e.ids.run, EANs: []fulfillment.EAN{{Mode: fulfillment.EANSet, Value: ean}}},
		fulfillment.Good{GoodID: other, GoodName: "Conformance other " + e.ids.run}))

	err := c.RegisterGoods(e.ctx, fulfillment.Good{GoodID: other, GoodName: "Conformance thief " + e.ids.run,
		EANs: []fulfillment.EAN{{Mode: fulfillment.EANAdd, Value: ean}}})
	refusal(t, err)
	refusal(t, c.AddEANs(e.ctx, other, ean))
	got, err := c.GoodInfo(e.ctx, other)
	require.NoError(t, err)
	require.NotContains(t, got.EANs, ean)
	require.Equal(t, "Conformance other "+e.ids.run, got.GoodName, "the refused request is rolled back whole (#error_desc)")

	require.NoError(t, c.ChangeEANs(e.ctx, fulfillment.EANChange{Set: []fulfillment.GoodEAN{{GoodID: other, EAN: ean}}}))
	got, err = c.GoodInfo(e.ctx, other)
	require.NoError(t, err)
	require.Contains(t, got.EANs, ean, "set moves the barcode")
	was, err := c.GoodInfo(e.ctx, owner)
	require.NoError(t, err)
	require.NotContains(t, was.EANs, ean)
}

// #paging_desc, common_interface_good_list: page_size bounds a page and
// page_next_token leads on without repeats; a request naming its goods
// gets them all at once, page_size ignored, and no token.
func catalogueListPaging(t *testing.T, e *env) {
	c := e.catalogue(t)
	var ids []string
	var goods []fulfillment.Good
	for i := range 3 {
		ids = append(ids, catGood(fmt.Sprintf("PAGE-%d", i)))
		goods = append(goods, fulfillment.Good{GoodID: ids[i], GoodName: "Conformance page " + e.ids.run})
	}
	require.NoError(t, c.RegisterGoods(e.ctx, goods...))

	p1, err := c.ListGoodsPage(e.ctx, fulfillment.GoodFilter{PageSize: 2})
	require.NoError(t, err)
	require.Len(t, p1.Items, 2)
	require.NotEmpty(t, p1.Next, "at least three goods exist: a second page follows")
	p2, err := c.ListGoodsPage(e.ctx, fulfillment.GoodFilter{PageSize: 2, PageToken: p1.Next})
	require.NoError(t, err)
	require.NotEmpty(t, p2.Items)
	require.LessOrEqual(t, len(p2.Items), 2)
	for _, g := range p2.Items {
		require.False(t, slices.ContainsFunc(p1.Items, func(x fulfillment.GoodCard) bool { return x.GoodID == g.GoodID }),
			"%s is on both pages", g.GoodID)
	}

	named, err := c.ListGoodsPage(e.ctx, fulfillment.GoodFilter{GoodIDs: ids, PageSize: 1})
	require.NoError(t, err)
	var got []string
	for _, g := range named.Items {
		got = append(got, g.GoodID)
	}
	require.ElementsMatch(t, ids, got)
	require.Empty(t, named.Next)
}

// good_set_req: good_id and good_name are required, ≤ 255 characters;
// good_type is one of tgood_type. A refused request registers nothing,
// not even its valid cards (#error_desc).
func catalogueRefusedCards(t *testing.T, e *env) {
	c := e.catalogue(t)
	cases := map[string]fulfillment.Good{
		"no good_name":              {GoodID: catGood("NONAME")},
		"good_id longer than 255":   {GoodID: catGood(strings.Repeat("X", 256)), GoodName: "Conformance long"},
		"good_name longer than 255": {GoodID: catGood("LONGNAME"), GoodName: strings.Repeat("Я", 256)},
		"unknown good_type":         {GoodID: catGood("BADTYPE"), GoodName: "Conformance type", GoodType: "gadget"},
	}
	for name, bad := range cases {
		valid := fulfillment.Good{GoodID: catGood("ROLLBACK"), GoodName: "Conformance rollback"}
		refusal(t, c.RegisterGoods(e.ctx, valid, bad))
		_, err := c.GoodInfo(e.ctx, valid.GoodID)
		require.ErrorIs(t, err, fulfillment.ErrNotFound, "%s: the request is rolled back", name)
	}
}

// #error_dict 404: an unknown good_id has no card.
func catalogueUnknownGood(t *testing.T, e *env) {
	c := e.catalogue(t)
	_, err := c.GoodInfo(e.ctx, catGood("NEVER-"+e.ids.run))
	require.ErrorIs(t, err, fulfillment.ErrNotFound)
}

// fbox.md §6.1: goods a supply task carries are registered exactly as
// POST /goods would register them.
func catalogueInlineFromSupplyTask(t *testing.T, e *env) {
	c := e.catalogue(t)
	tk := e.created(t)
	for _, g := range tk.Goods {
		got, err := c.GoodInfo(e.ctx, g.GoodID)
		require.NoError(t, err)
		require.Equal(t, g.GoodName, got.GoodName)
	}
}
