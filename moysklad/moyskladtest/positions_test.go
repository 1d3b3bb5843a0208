package moyskladtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func productRef(b *bundle, typ, id string) map[string]any {
	return map[string]any{"meta": map[string]any{"href": b.srv.URL() + "/entity/" + typ + "/" + id, "type": typ}}
}

// Reference §4.2, spec supplyPosition.yaml: quantity > 0.
func TestPutRefusesQuantityNotPositive(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	for _, q := range []any{0, -1} {
		a := b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"positions": []any{
			map[string]any{"id": d.Rows()[0].ID, "quantity": q}, map[string]any{"id": d.Rows()[1].ID}}})
		require.Equal(t, 400, a.status, string(a.raw))
		require.Equal(t, "quantity", param(a))
		a = b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"positions": []any{
			map[string]any{"quantity": q, "assortment": productRef(b, "product", b.p.ID)}}})
		require.Equal(t, 400, a.status, string(a.raw))
	}
	got, err := b.srv.Document("supply", d.ID)
	require.NoError(t, err)
	require.Len(t, got.Rows(), 2, "a refused PUT changes nothing")
	require.Equal(t, 2.0, got.Rows()[0].Quantity)
}

// Reference §4.2, spec supplyPosition.yaml things: a serial-tracked line
// has exactly quantity serial numbers; other lines' things are ignored.
func TestPutRefusesSerialsNotMatchingQuantity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	phone := b.srv.AddProduct(moyskladtest.ProductSpec{Name: "Телефон", Article: "PH-1", SerialTrackable: true})
	_, err := b.srv.CreateDocument("supply", moyskladtest.DocumentSpec{Name: "2", Store: b.store.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: phone.ID, Quantity: 2}}})
	require.ErrorContains(t, err, "серийных номеров (0)", "staff cannot save such a line either")
	d, err := b.srv.CreateDocument("supply", moyskladtest.DocumentSpec{Name: "1", Store: b.store.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: phone.ID, Quantity: 2, Things: []string{"SN1", "SN2"}}, {ProductID: b.p.ID, Quantity: 1}}})
	require.NoError(t, err)
	require.Equal(t, []string{"SN1", "SN2"}, d.Rows()[0].Things())
	id, other := d.Rows()[0].ID, map[string]any{"id": d.Rows()[1].ID}

	a := b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"positions": []any{map[string]any{"id": id, "quantity": 1}, other}})
	require.Equal(t, 400, a.status, "a new quantity with the old serials: %s", a.raw)
	require.Equal(t, "things", param(a))
	a = b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"positions": []any{
		map[string]any{"id": id, "quantity": 3, "things": []string{"SN1", "SN2", "SN2"}}, other}})
	require.Equal(t, 400, a.status, "a serial twice: %s", a.raw)
	a = b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"positions": []any{
		map[string]any{"id": id, "quantity": 1, "things": []string{"SN2"}}, other}})
	require.Equal(t, 200, a.status, string(a.raw))
	a = b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"positions": []any{
		map[string]any{"id": id}, map[string]any{"id": d.Rows()[1].ID, "quantity": 5, "things": []string{"ignored"}}}})
	require.Equal(t, 200, a.status, "things of a line not serial-tracked are ignored: %s", a.raw)

	got, err := b.srv.Document("supply", d.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"SN2"}, got.Rows()[0].Things())
	require.Empty(t, got.Rows()[1].Things())
}

// Reference §4.2 and spec variant.yaml, service.yaml: a line's assortment
// may be a variant or a service, expanded in its own shape.
func TestVariantsAndServicesInPositions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v, err := b.srv.AddVariant(moyskladtest.VariantSpec{ProductID: b.p.ID, Name: "Чайник (красный)", Code: "KT-1-RED", Barcodes: []string{"4600000000017"}})
	require.NoError(t, err)
	sv := b.srv.AddService(moyskladtest.ServiceSpec{Name: "Доставка", Code: "DLV"})
	d, err := b.srv.CreateDocument("supply", moyskladtest.DocumentSpec{Name: "1", Store: b.store.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: v.ID, Quantity: 2}, {ProductID: sv.ID, Quantity: 1}}})
	require.NoError(t, err)

	a := b.call(t, "GET", "/entity/supply/"+d.ID+"?expand=positions.assortment", nil)
	rows := a.body["positions"].(map[string]any)["rows"].([]any)
	variant := rows[0].(map[string]any)["assortment"].(map[string]any)
	require.Equal(t, "variant", variant["meta"].(map[string]any)["type"])
	require.Equal(t, "KT-1-RED", variant["code"])
	require.NotContains(t, variant, "article")
	require.NotContains(t, variant, "weight")
	require.Contains(t, variant["product"].(map[string]any)["meta"].(map[string]any)["href"], b.p.ID)
	service := rows[1].(map[string]any)["assortment"].(map[string]any)
	require.Equal(t, "service", service["meta"].(map[string]any)["type"])

	a = b.call(t, "GET", "/entity/variant?filter=code=KT-1-RED", nil)
	require.Len(t, a.body["rows"], 1)
	a = b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"positions": []any{
		map[string]any{"quantity": 1, "assortment": productRef(b, "variant", v.ID)},
		map[string]any{"quantity": 1, "assortment": productRef(b, "product", v.ID)}}})
	require.Equal(t, 400, a.status, "a variant is not a product: %s", a.raw)
}

// param is the field MoySklad's first error names.
func param(a answer) string {
	errs, _ := a.body["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	p, _ := errs[0].(map[string]any)["parameter"].(string)
	return p
}

// Spec variant.yaml: a variant has no isSerialTrackable of its own, its
// product says; §4.3: expand=product shows it on the variant, and
// positions.assortment.product (assortment.product on /positions) on a
// document's variant lines. A variant of a serial-tracked product needs
// its serials like the product (§4.2).
func TestVariantOfSerialTrackedProduct(t *testing.T) {
	t.Parallel()
	b := setup(t)
	phone := b.srv.AddProduct(moyskladtest.ProductSpec{Name: "Телефон", Article: "PH-1", SerialTrackable: true})
	v, err := b.srv.AddVariant(moyskladtest.VariantSpec{ProductID: phone.ID, Code: "PH-1-BLK"})
	require.NoError(t, err)
	_, err = b.srv.CreateDocument("supply", moyskladtest.DocumentSpec{Name: "1", Store: b.store.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: v.ID, Quantity: 1}}})
	require.ErrorContains(t, err, "серийных номеров (0)")
	d, err := b.srv.CreateDocument("supply", moyskladtest.DocumentSpec{Name: "2", Store: b.store.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: v.ID, Quantity: 1, Things: []string{"SN1"}}, {ProductID: b.p.ID, Quantity: 1}}})
	require.NoError(t, err)

	product := func(item any) map[string]any {
		p, _ := item.(map[string]any)["product"].(map[string]any)
		return p
	}
	a := b.call(t, "GET", "/entity/variant/"+v.ID, nil)
	require.Equal(t, 200, a.status)
	require.NotContains(t, a.body, "isSerialTrackable")
	require.NotContains(t, product(a.body), "isSerialTrackable", "a reference only")
	a = b.call(t, "GET", "/entity/variant/"+v.ID+"?expand=product", nil)
	require.Equal(t, true, product(a.body)["isSerialTrackable"])

	a = b.call(t, "GET", "/entity/supply/"+d.ID+"?expand=positions.assortment", nil)
	rows := a.body["positions"].(map[string]any)["rows"].([]any)
	require.NotContains(t, product(rows[0].(map[string]any)["assortment"]), "isSerialTrackable")
	a = b.call(t, "GET", "/entity/supply/"+d.ID+"?expand=positions.assortment.product", nil)
	rows = a.body["positions"].(map[string]any)["rows"].([]any)
	require.Equal(t, true, product(rows[0].(map[string]any)["assortment"])["isSerialTrackable"])
	require.Nil(t, product(rows[1].(map[string]any)["assortment"]), "a product line has no product to expand")
	a = b.call(t, "GET", "/entity/supply/"+d.ID+"/positions?expand=assortment.product&limit=100", nil)
	rows = a.body["rows"].([]any)
	require.Equal(t, true, product(rows[0].(map[string]any)["assortment"])["isSerialTrackable"])
}
