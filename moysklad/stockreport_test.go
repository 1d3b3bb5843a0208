package moysklad_test

import (
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func reportSetup(t *testing.T, opts moyskladtest.Options, cost int) (*moyskladtest.Server, *moysklad.Client) {
	t.Helper()
	srv := moyskladtest.NewServer(opts)
	t.Cleanup(srv.Close)
	c, err := moysklad.NewClient(moysklad.Config{BaseURL: srv.URL(), Token: srv.Token(), RequestCost: cost,
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond})
	require.NoError(t, err)
	return srv, c
}

func TestStockByStoreReadsPhysicalStockWithZeroLines(t *testing.T) {
	t.Parallel()
	srv, c := reportSetup(t, moyskladtest.Options{RateLimit: -1}, 1)
	a, b, other := srv.AddStore("А"), srv.AddStore("Б"), srv.AddStore("Чужой")
	p := srv.AddProduct(moyskladtest.ProductSpec{Name: "Чайник", Article: "KT-1"})
	require.NoError(t, srv.SetStock(a.ID, p.ID, 3))
	require.NoError(t, srv.SetStock(other.ID, p.ID, 9))

	got, err := c.StockByStore(t.Context(), a.ID, b.ID, a.ID)
	require.NoError(t, err)
	require.ElementsMatch(t, []moysklad.StoreStock{{AssortmentID: p.ID, StoreID: a.ID, Stock: 3},
		{AssortmentID: p.ID, StoreID: b.ID, Stock: 0}}, got, "zero lines, only the stores asked for")
	reqs := srv.Requests()
	q, err := url.ParseQuery(reqs[len(reqs)-1].RawQuery)
	require.NoError(t, err)
	require.Equal(t, "stock", q.Get("stockType"))
	require.Equal(t, "report/stock/bystore/current", reqs[len(reqs)-1].Path[1:])

	_, err = c.StockByStore(t.Context(), a.ID, "")
	require.Error(t, err, "an empty id is not every store")
	all, err := c.StockByStore(t.Context())
	require.NoError(t, err)
	require.Len(t, all, 3, "no ids: every store")
}

func TestStockByStoreSplitsLongStoreLists(t *testing.T) {
	t.Parallel()
	srv, c := reportSetup(t, moyskladtest.Options{RateLimit: -1}, 1)
	p := srv.AddProduct(moyskladtest.ProductSpec{Name: "Чайник", Article: "KT-1"})
	var ids []string
	for i := range 250 {
		s := srv.AddStore("Склад")
		ids = append(ids, s.ID)
		require.NoError(t, srv.SetStock(s.ID, p.ID, float64(i)))
	}
	got, err := c.StockByStore(t.Context(), ids...)
	require.NoError(t, err)
	require.Len(t, got, 250)
	for i, id := range ids {
		require.Contains(t, got, moysklad.StoreStock{AssortmentID: p.ID, StoreID: id, Stock: float64(i)})
	}
	n := 0
	for _, r := range srv.Requests() {
		u := srv.URL() + r.Path + "?" + r.RawQuery
		require.Less(t, len(u), 4096, "moysklad.md §5.2: URLs under 4 KB")
		n++
	}
	require.GreaterOrEqual(t, n, 3, "250 ids of 39 bytes need three URLs")
}

// A report weighs 5 units (moysklad.md §5.3): the limiter paces it so,
// and its drop of X-RateLimit-Remaining is not taken for a request's.
func TestStockByStoreIsPacedAsFiveUnits(t *testing.T) {
	t.Parallel()
	srv, c := reportSetup(t, moyskladtest.Options{RateLimit: 45, RateInterval: 600 * time.Millisecond, RequestWeight: 3}, 3)
	store := srv.AddStore("Склад")
	for range 3 { // alone, one after the other: request, report, request, …
		_, err := c.FindStores(t.Context(), store.Name)
		require.NoError(t, err)
		_, err = c.StockByStore(t.Context(), store.ID)
		require.NoError(t, err)
	}
	s := c.Stats()
	require.True(t, s.RequestUnitsSeen)
	require.Equal(t, 3, s.RequestUnits, "a report's drop is not a request's weight")

	var wg sync.WaitGroup
	for w := range 5 {
		wg.Go(func() {
			for range 6 {
				var err error
				if w < 3 {
					_, err = c.StockByStore(t.Context(), store.ID)
				} else {
					_, err = c.FindStores(t.Context(), store.Name)
				}
				require.NoError(t, err)
			}
		})
	}
	wg.Wait()
	require.Zero(t, srv.RateLimited(), "reports paced as 5 units meet no 429")
	require.Equal(t, 3, c.Stats().RequestUnits)
}
