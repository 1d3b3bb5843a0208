package returns

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
)

func demandRow(id, sku string, qty, price float64, things ...string) moysklad.Position {
	p := moysklad.NewPosition(moysklad.Meta{Href: "https://x/entity/product/" + id, Type: "product"}, qty)
	p.Assortment.ID, p.Assortment.Article = id, sku
	p.SetPrice(price)
	p.SetVAT(20)
	if len(things) > 0 {
		p.SetThings(things)
	}
	return p
}

func TestReturnRowsFollowTheDemand(t *testing.T) {
	t.Parallel()
	demand := []moysklad.Position{
		demandRow("a", "KT", 1, 150000),
		demandRow("b", "MG", 2, 50000),
		demandRow("a", "KT", 2, 140000),
		demandRow("c", "PH", 2, 900000, "SN1", "SN2"),
	}
	goodOf := func(a *moysklad.Product) string { return a.Article }
	rows, rest := returnRows(demand, goodOf, map[string]int64{"KT": 2, "PH": 1, "BX": 1}, map[string][]string{"PH": {"SN2"}})
	require.Len(t, rows, 3)
	require.Equal(t, 1.0, rows[0].Quantity)
	require.Equal(t, 150000.0, rows[0].Price(), "the demand's price")
	require.Equal(t, 20, rows[0].VAT())
	require.Equal(t, 1.0, rows[1].Quantity, "the second KT line gives the rest")
	require.Equal(t, 140000.0, rows[1].Price())
	require.Equal(t, []string{"SN2"}, rows[2].Things(), "the serial the warehouse reported")
	require.Equal(t, map[string]int64{"BX": 1}, rest, "no line holds it")
}
