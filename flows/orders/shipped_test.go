package orders

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func TestShippedRowsShortLinesNamed(t *testing.T) {
	t.Parallel()
	kettle, mug := moyskladtest.Product("p1", "KET-1", "Чайник"), moyskladtest.Product("p2", "MUG", "Кружка")
	svc := &moysklad.Product{Meta: moysklad.Meta{Href: "h/entity/service/s1", Type: "service"}, Name: "Доставка"}
	order := moyskladtest.Document("customerorder",
		moyskladtest.Position("a", 2, kettle), moyskladtest.Position("b", 1, mug), moyskladtest.Position("c", 1, svc))
	goods := goodsOf(order, skus, "drop", nil)
	require.Equal(t, map[string]good{"p1": {ID: "KET-1", Name: "Чайник"}, "p2": {ID: "MUG", Name: "Кружка"}}, goods)

	tmpl := []moysklad.Position{moyskladtest.Position("", 2, kettle), moyskladtest.Position("", 1, mug), moyskladtest.Position("", 1, svc)}
	rows, shorts, total := shippedRows(tmpl, goods, map[string]int32{"KET-1": 1})
	require.Equal(t, int64(1), total)
	require.Len(t, rows, 2, "the mug shipped nothing: its line is removed; the service stays")
	require.Equal(t, 1.0, rows[0].Quantity)
	require.Equal(t, "p1", rows[0].Assortment.Meta.ID())
	require.Equal(t, "s1", rows[1].Assortment.Meta.ID())
	require.Equal(t, "KET-1 «Чайник» 1 из 2; MUG «Кружка» 0 из 1", shortText(shorts))

	rows, shorts, total = shippedRows(tmpl, goods, map[string]int32{"KET-1": 2, "MUG": 1})
	require.Empty(t, shorts)
	require.Equal(t, int64(3), total)
	require.Len(t, rows, 3)
}

// A bundle left when all its components did: two sets of a kettle and two
// mugs, with one mug short, ship one set.
func TestShippedRowsBundleByItsComponents(t *testing.T) {
	t.Parallel()
	set := &moysklad.Product{Meta: moysklad.Meta{Href: "h/entity/bundle/b1", Type: "bundle"}, Name: "Набор", Article: "SET"}
	goods := map[string]good{"b1": {ID: "SET", Name: "Набор", Components: map[string]int64{"KET-1": 1, "MUG": 2}}}
	tmpl := []moysklad.Position{moyskladtest.Position("", 2, set)}
	rows, shorts, total := shippedRows(tmpl, goods, map[string]int32{"KET-1": 2, "MUG": 3})
	require.Equal(t, int64(1), total)
	require.Len(t, rows, 1)
	require.Equal(t, 1.0, rows[0].Quantity)
	require.Equal(t, "SET «Набор» 1 из 2", shortText(shorts))
}
