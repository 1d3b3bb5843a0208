package inbound

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func serialLine(id string, things ...string) moysklad.Position {
	p := moyskladtest.Position(id, float64(len(things)), moyskladtest.Product("ph", "PH", "Телефон"))
	p.SetThings(things)
	return p
}

func TestSerialsOfCountsArrivalsByPolicy(t *testing.T) {
	t.Parallel()
	moves := []fulfillment.SerialMove{
		{GoodID: "PH", GoodSN: "A", QualType: "useful", InOut: 1},
		{GoodID: "PH", GoodSN: "B", QualType: "defective", InOut: 1},
		{GoodID: "PH", GoodSN: "C", QualType: "useful", InOut: 1},
		{GoodID: "PH", GoodSN: "C", QualType: "useful", InOut: -1},
	}
	require.Equal(t, serials{"PH": {"A", "B"}}, serialsOf(moves, defaults))
	require.Equal(t, serials{"PH": {"A"}}, serialsOf(moves, config.Receipt{Defective: config.DefectiveExclude}))
}

func TestAdjustFitsSerialsToQuantities(t *testing.T) {
	t.Parallel()
	doc := []moysklad.Position{serialLine("1", "A", "B"), serialLine("2", "C", "D")}
	adj := adjust(doc, []received{{SKU: "PH", Useful: 5}}, byArticle, defaults, nil, serials{"PH": {"D", "E", "A", "F"}})
	require.Equal(t, []float64{2, 2}, quantitiesOf(adj.Positions), "no unit without a serial: 5 arrived, 4 serials")
	require.Equal(t, []string{"A", "E"}, adj.Positions[0].Things())
	require.Equal(t, []string{"D", "F"}, adj.Positions[1].Things())
	require.Equal(t, []string{
		"стр. 1, 2 PH «Телефон»: ожидалось 4, принято 5 (излишек 1)",
		"стр. 1 PH «Телефон»: серийные номера сняты: B",
		"стр. 2 PH «Телефон»: серийные номера сняты: C",
		"стр. 2 PH «Телефон»: 1 шт. без серийного номера не оприходовано",
	}, adj.Differences)
	require.EqualValues(t, 4, adj.Accepted)
}

func TestWithdrawShedsTheSerialsOfTheWithdrawnDocument(t *testing.T) {
	t.Parallel()
	got, _ := withdraw([]moysklad.Position{serialLine("1", "A", "B", "C")}, []unit{{SKU: "PH", Qty: 1}}, byArticle, serials{"PH": {"B"}})
	require.Equal(t, []string{"A", "C"}, got[0].Things())
	got, _ = withdraw([]moysklad.Position{serialLine("1", "A", "B", "C")}, []unit{{SKU: "PH", Qty: 2}}, byArticle, nil)
	require.Equal(t, []string{"A"}, got[0].Things())
}

func TestServiceLinesAreLeftAsTheyAre(t *testing.T) {
	t.Parallel()
	svc := &moysklad.Product{Meta: moysklad.Meta{Href: "https://x/entity/service/s", Type: moysklad.AssortmentService}, Name: "Доставка", Code: "PH"}
	doc := []moysklad.Position{moyskladtest.Position("1", 2, moyskladtest.Product("ph", "PH", "Телефон")), moyskladtest.Position("2", 1, svc)}
	adj := adjust(doc, []received{{SKU: "PH", Useful: 0}}, byArticle, defaults, nil, nil)
	require.Equal(t, []float64{1}, quantitiesOf(adj.Positions))
	require.Equal(t, "2", adj.Positions[0].ID)
}

func TestLateSerialsKeepThoseAlreadyPosted(t *testing.T) {
	t.Parallel()
	doc := []moysklad.Position{serialLine("1", "A", "B")}
	got := withCurrent(doc, []received{{SKU: "PH", Useful: 1}}, byArticle)
	adj := adjust(doc, got, byArticle, defaults, nil, withCurrentSerials(doc, byArticle, serials{"PH": {"C"}}))
	require.Equal(t, []string{"A", "B", "C"}, adj.Positions[0].Things())
	require.Equal(t, 3.0, adj.Positions[0].Quantity)
}
