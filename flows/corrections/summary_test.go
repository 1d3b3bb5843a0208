package corrections

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/storage"
)

func part(t *testing.T, status, typ string, b booked) storage.OutdocPart {
	t.Helper()
	c, err := json.Marshal(b)
	require.NoError(t, err)
	return storage.OutdocPart{Status: status, DocType: typ, Change: c}
}

func TestSummaryText(t *testing.T) {
	t.Parallel()
	loss := Doc{Type: TypeLoss, From: "S", Lines: []Line{{"A", 2}, {"B", 1}}}
	parts := []storage.OutdocPart{
		part(t, storage.PartApplied, TypeLoss, booked{Doc: loss, Unknown: []Line{{"B", 1}}}),
		part(t, storage.PartApplied, TypeLoss, booked{Doc: Doc{Type: TypeLoss, From: "S", Lines: []Line{{"A", 3}}}}),
		part(t, storage.PartApplied, "enter", booked{Doc: Doc{Type: "enter", To: "S", Lines: []Line{{"C", 4}}}}),
		part(t, storage.PartReverted, "enter", booked{Doc: Doc{Type: "enter", To: "S", Lines: []Line{{"C", 9}}}}),
	}
	require.Equal(t, "Склад W за сутки по коррекциям и длительному хранению: списано 5 шт. (товаров: 1, документов: 2); "+
		"оприходовано 4 шт. (товаров: 1, документов: 1); не учтены товары, которых нет в МойСклад: B", summaryText("W", parts))
	require.Empty(t, summaryText("W", parts[3:]), "a reverted booking is not told")
}

func TestDailyScheduleIsAtTheHourInMoscow(t *testing.T) {
	t.Parallel()
	d := daily{hour: 9}
	at := time.Date(2026, 11, 29, 5, 59, 0, 0, time.UTC) // 08:59 in Moscow
	require.Equal(t, time.Date(2026, 11, 29, 9, 0, 0, 0, fulfillment.Moscow), d.Next(at))
	require.Equal(t, time.Date(2026, 11, 30, 9, 0, 0, 0, fulfillment.Moscow), d.Next(d.Next(at)))
}
