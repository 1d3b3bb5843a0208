package warehousetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
)

// outdocTests need no driver: they check whatever the backend holds.
var outdocTests = []subtest{
	{name: "ListFiltersHold", run: listFiltersHold},
	{name: "RecognitionListShape", run: recognitionListShape},
}

func ptr[T any](v T) *T { return &v }

// fbox.md §4 and §8, spec outdoc_list_req: every item listed matches the
// filter (locked, unlock_request, outdoc_type, from_date inclusive) and
// carries outdoc_common's required fields.
func listFiltersHold(t *testing.T, e *env) {
	from := fulfillment.Date{Time: time.Now().AddDate(0, 0, -14).Truncate(time.Second)}
	filters := map[string]fulfillment.OutdocFilter{
		"new":         {FromDate: &from, Locked: ptr(false), UnlockRequest: ptr(false)},
		"corrections": {FromDate: &from, Locked: ptr(true), UnlockRequest: ptr(true)},
		"receipts":    {FromDate: &from, OutdocType: fulfillment.OutdocSupply},
	}
	for name, f := range filters {
		items, err := e.w.ListOutdocs(e.ctx, f)
		require.NoError(t, err, name)
		for _, h := range items {
			require.Positive(t, h.OutdocID, name)
			require.NotEmpty(t, h.OutdocType, name)
			require.False(t, h.CreatedAt.Before(from.Time), "%s: created_at %s before from_date", name, h.CreatedAt)
			if f.Locked != nil {
				require.Equal(t, *f.Locked, h.Locked, "%s: outdoc %d", name, h.OutdocID)
			}
			if f.UnlockRequest != nil {
				require.Equal(t, *f.UnlockRequest, h.UnlockRequest, "%s: outdoc %d", name, h.OutdocID)
			}
			if f.OutdocType != "" {
				require.Equal(t, f.OutdocType, h.OutdocType, "%s: outdoc %d", name, h.OutdocID)
			}
		}
	}
}

// fbox.md §7 "Unknown goods", spec #recognition_desc: GET
// /goods/recognition answers a list; each item names its barcode and the
// tasks it came with.
func recognitionListShape(t *testing.T, e *env) {
	items, err := e.w.Unrecognized(e.ctx)
	require.NoError(t, err)
	for _, u := range items {
		require.NotEmpty(t, u.Barcode)
		for _, in := range u.Indocs {
			require.NotEmpty(t, in.IndocID, "barcode %s", u.Barcode)
		}
	}
}

// one lists the outgoing documents of a task.
func (e *env) of(t *testing.T, indocID string, f fulfillment.OutdocFilter) []fulfillment.OutdocHeader {
	t.Helper()
	f.IndocID = indocID
	items, err := e.w.ListOutdocs(e.ctx, f)
	require.NoError(t, err)
	return items
}

func ids(hs []fulfillment.OutdocHeader) []int64 {
	out := []int64{}
	for _, h := range hs {
		out = append(out, h.OutdocID)
	}
	return out
}
