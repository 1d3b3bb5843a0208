package fboxtest_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

// #doc_lock_desc step 3: a replacement gets a new outdoc_id and created_at
// but keeps the work date of the document it replaces, even a day later.
func TestReplacementKeepsWorkDate(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 14, 20, 0, 0, 0, fulfillment.Moscow).Unix())
	s := setup(t, fboxtest.Options{Now: func() time.Time { return time.Unix(now.Load(), 0) }})
	c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: s.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	ctx := t.Context()
	require.NoError(t, c.CreateSupplyTask(ctx, fulfillment.SupplyTask{IndocID: "T1",
		Goods: []fulfillment.Good{{GoodID: "A", GoodName: "A"}}, Items: []fulfillment.TaskItem{{GoodID: "A", PlanQnt: 2}}}))
	old, err := s.ReceiveExact("T1")
	require.NoError(t, err)
	require.NoError(t, c.LockOutdocs(ctx, true, old))
	require.NoError(t, s.Correct(old, fboxtest.Line{GoodID: "A", Useful: 1}))

	now.Add(int64(24 * time.Hour / time.Second))
	require.NoError(t, c.LockOutdocs(ctx, false, old))
	hs, err := c.ListOutdocs(ctx, fulfillment.OutdocFilter{IndocID: "T1"})
	require.NoError(t, err)
	require.Len(t, hs, 1)
	require.NotEqual(t, old, hs[0].OutdocID)
	require.Equal(t, "2026-03-14", hs[0].OutdocDate.Format(fulfillment.DateLayout))
	require.Equal(t, "2026-03-15T20:00:00", hs[0].CreatedAt.String())
}
