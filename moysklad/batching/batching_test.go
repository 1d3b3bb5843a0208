package batching_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/batching"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

type bundle struct {
	ctx    context.Context
	srv    *moyskladtest.Server
	client *batching.Client
	store  moysklad.Store
	p      moysklad.Product
}

func setup(t *testing.T, window time.Duration, maxWrites ...int) *bundle {
	t.Helper()
	srv := moyskladtest.NewServer(moyskladtest.Options{RateLimit: -1, MaxParallel: 20})
	t.Cleanup(srv.Close)
	c, err := moysklad.NewClient(moysklad.Config{BaseURL: srv.URL(), Token: srv.Token(), WebhookPrefix: "https://skladflow.example.ru"})
	require.NoError(t, err)
	cfg := batching.Config{Window: window}
	if len(maxWrites) > 0 {
		cfg.MaxWrites = maxWrites[0]
	}
	bc, err := batching.New(c, cfg)
	require.NoError(t, err)
	b := &bundle{ctx: context.Background(), srv: srv, client: bc, store: srv.AddStore("Склад")}
	b.p = srv.AddProduct(moyskladtest.ProductSpec{Name: "Чайник", Article: "KT-1"})
	return b
}

func (b *bundle) supplies(t *testing.T, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		d, err := b.srv.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: fmt.Sprint(i), Store: b.store.ID,
			Positions: []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: float64(i + 1), Price: 100}}})
		require.NoError(t, err)
		ids[i] = d.ID
	}
	return ids
}

// requests counts the emulator's requests of a method whose path starts so.
func (b *bundle) requests(method, prefix string) int {
	n := 0
	for _, r := range b.srv.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// each runs f for every id at once, as concurrent jobs do.
func each(ids []string, f func(i int, id string)) {
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { f(i, id) })
	}
	wg.Wait()
}

func TestReadsOfOneWindowAreOneListRequest(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second) // long: every read joins the first
	ids := b.supplies(t, 30)
	require.NoError(t, b.client.DeleteDocument(b.ctx, moysklad.TypeSupply, ids[7]))
	got := make([]*moysklad.Document, len(ids))
	errs := make([]error, len(ids))
	each(ids, func(i int, id string) {
		got[i], errs[i] = b.client.GetDocument(b.ctx, moysklad.TypeSupply, id, "state", "positions.assortment")
	})
	require.Equal(t, 1, b.requests("GET", "/entity/supply"), "one list request")
	for i := range ids {
		if i == 7 {
			require.ErrorIs(t, errs[i], moysklad.ErrNotFound, "deleted in MoySklad: its caller alone is told")
			continue
		}
		require.NoError(t, errs[i])
		require.Equal(t, ids[i], got[i].ID)
		require.Len(t, got[i].Rows(), 1)
		require.Equal(t, float64(i+1), got[i].Rows()[0].Quantity, "each caller gets its own document")
		require.Equal(t, "KT-1", got[i].Rows()[0].Assortment.Article)
	}
	require.Equal(t, batching.Stats{ReadRequests: 1, DocumentsRead: 30}, b.client.BatchStats())
}

func TestAFullReadBatchGoesAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Hour) // only fullness can send these
	ids := b.supplies(t, 150)
	each(ids, func(i int, id string) {
		if i >= 100 {
			return // the next 50 would wait the hour
		}
		_, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, id, "positions.assortment")
		require.NoError(t, err)
	})
	require.Equal(t, batching.Stats{ReadRequests: 1, DocumentsRead: 100}, b.client.BatchStats())
}

func TestALoneReadIsAGet(t *testing.T) {
	t.Parallel()
	b := setup(t, 10*time.Millisecond)
	ids := b.supplies(t, 1)
	d, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, ids[0], "positions.assortment")
	require.NoError(t, err)
	require.Len(t, d.Rows(), 1)
	require.Equal(t, 1, b.requests("GET", "/entity/supply/"+ids[0]))
	_, err = b.client.GetDocument(b.ctx, moysklad.TypeSupply, "00000000-0000-0000-0000-000000000000")
	require.ErrorIs(t, err, moysklad.ErrNotFound)
}

func TestWritesOfOneWindowAreOneMassUpdate(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second)
	ids := b.supplies(t, 30)
	good := b.srv.AddState(moysklad.TypeSupply, "Передан", "")
	wrong := b.srv.AddState(moysklad.TypeDemand, "Отгружен", "")
	errs := make([]error, len(ids))
	each(ids, func(i int, id string) {
		st := good.Ref()
		if i == 3 {
			st = wrong.Ref() // a status of another document type: refused for this one alone
		}
		desc := fmt.Sprintf("строка %d", i)
		_, errs[i] = b.client.UpdateDocument(b.ctx, moysklad.TypeSupply, id, moysklad.DocumentUpdate{State: st, Description: &desc})
	})
	require.Equal(t, 1, b.requests("POST", "/entity/supply"), "one mass update")
	require.Zero(t, b.requests("PUT", "/entity/supply"))
	for i, id := range ids {
		d, err := b.srv.Document(moysklad.TypeSupply, id)
		require.NoError(t, err)
		if i == 3 {
			require.Error(t, errs[i])
			require.NotEqual(t, "строка 3", d.Description, "the refused one is not written")
			continue
		}
		require.NoError(t, errs[i])
		require.Equal(t, "Передан", d.StateName())
		require.Equal(t, fmt.Sprintf("строка %d", i), d.Description)
	}
}

func TestADocumentIsWrittenOnceABatch(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Hour, 2) // only fullness, or a second write of one document, sends a batch
	ids := b.supplies(t, 2)
	write := func(id, text string) <-chan error {
		out := make(chan error, 1)
		go func() {
			_, err := b.client.UpdateDocument(b.ctx, moysklad.TypeSupply, id, moysklad.DocumentUpdate{Description: &text})
			out <- err
		}()
		return out
	}
	first := write(ids[0], "первая")
	require.Eventually(t, func() bool { return b.client.Pending() == 1 }, 5*time.Second, time.Millisecond)
	second := write(ids[0], "вторая") // sends the first batch, alone, and waits in the next
	require.NoError(t, <-first)
	require.Eventually(t, func() bool { return b.client.Pending() == 1 }, 5*time.Second, time.Millisecond)
	other := write(ids[1], "другая") // fills the next batch
	require.NoError(t, <-second)
	require.NoError(t, <-other)

	require.Equal(t, 1, b.requests("PUT", "/entity/supply/"+ids[0]), "the first write, alone")
	require.Equal(t, 1, b.requests("POST", "/entity/supply"), "the second, with the other document")
	d, err := b.srv.Document(moysklad.TypeSupply, ids[0])
	require.NoError(t, err)
	require.Equal(t, "вторая", d.Description, "in the order they were made")
}

func TestNoWindowIsOneByOne(t *testing.T) {
	t.Parallel()
	b := setup(t, 0)
	ids := b.supplies(t, 5)
	each(ids, func(i int, id string) {
		_, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, id)
		require.NoError(t, err)
	})
	require.Equal(t, 5, b.requests("GET", "/entity/supply/"))
	require.Zero(t, b.client.BatchStats().ReadRequests)
}

// A batch sent because it was full has its window end later: nothing is
// sent twice, nothing breaks.
func TestAWindowEndingAfterItsBatchWentChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, 50*time.Millisecond)
	b.client = mustNew(t, b, batching.Config{Window: 50 * time.Millisecond, MaxReads: 2})
	ids := b.supplies(t, 2)
	each(ids, func(i int, id string) {
		_, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, id)
		require.NoError(t, err)
	})
	time.Sleep(100 * time.Millisecond) // the window ends
	require.Equal(t, batching.Stats{ReadRequests: 1, DocumentsRead: 2}, b.client.BatchStats())
}

// Reads that come one by one, each after the window, while a request is in
// flight, still go together once it is answered: under MoySklad's rate
// limit every request is slow, and that is when batches must grow.
func TestReadsWaitingForTheLaneGoTogether(t *testing.T) {
	t.Parallel()
	b := setup(t, 10*time.Millisecond)
	ids := b.supplies(t, 11)
	slow := make(chan struct{})
	b.client = b.behind(t, batching.Config{Window: 10 * time.Millisecond}, func(r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ids[0]) {
			<-slow // the first read is in flight until the others have come
		}
	})
	release := sync.OnceFunc(func() { close(slow) })
	t.Cleanup(release)

	first := make(chan error, 1)
	go func() {
		_, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, ids[0])
		first <- err
	}()
	var wg sync.WaitGroup
	for _, id := range ids[1:] {
		time.Sleep(20 * time.Millisecond) // each after the window of the one before
		wg.Go(func() {
			_, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, id)
			assert.NoError(t, err)
		})
	}
	release()
	require.NoError(t, <-first)
	wg.Wait()
	require.Equal(t, batching.Stats{ReadRequests: 2, DocumentsRead: 11}, b.client.BatchStats(), "the first alone, the ten that waited in one")
}

// behind is a batching client that reaches the emulator through a proxy
// calling hold before it passes each request on: a test holds a request in
// flight. A test that holds must release before its end (t.Cleanup after
// this call), since closing the proxy waits for the held request.
func (b *bundle) behind(t *testing.T, cfg batching.Config, hold func(*http.Request)) *batching.Client {
	t.Helper()
	target, err := url.Parse(b.srv.URL())
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hold(r)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	c, err := moysklad.NewClient(moysklad.Config{BaseURL: front.URL, Token: b.srv.Token()})
	require.NoError(t, err)
	bc, err := batching.New(c, cfg)
	require.NoError(t, err)
	return bc
}

func mustNew(t *testing.T, b *bundle, cfg batching.Config) *batching.Client {
	t.Helper()
	c, err := batching.New(b.client.Client, cfg)
	require.NoError(t, err)
	return c
}

// queued is a Config.Queued that lists the given documents as having work
// queued, as the inbox would.
func queued(ids ...string) func(context.Context, string, int) ([]string, error) {
	return func(_ context.Context, _ string, limit int) ([]string, error) { return ids[:min(limit, len(ids))], nil }
}

func TestAJobsReadBringsTheDocumentsQueuedBehindIt(t *testing.T) {
	t.Parallel()
	b := setup(t, 10*time.Millisecond)
	ids := b.supplies(t, 5)
	b.client = mustNew(t, b, batching.Config{Window: 10 * time.Millisecond, Queued: queued(ids...)})
	events := time.Now() // when the jobs' events were received
	first, at, err := b.client.ReadQueued(b.ctx, moysklad.TypeSupply, ids[0], events, "positions.assortment")
	require.NoError(t, err)
	require.Equal(t, ids[0], first.ID)
	require.Equal(t, 1, b.requests("GET", "/entity/supply"), "one list request for all five")
	for i, id := range ids[1:] {
		d, readAt, err := b.client.ReadQueued(b.ctx, moysklad.TypeSupply, id, events, "positions.assortment")
		require.NoError(t, err)
		require.Equal(t, float64(i+2), d.Rows()[0].Quantity)
		require.Equal(t, at, readAt, "read then: the events after that are not seen")
	}
	require.Equal(t, 1, b.requests("GET", "/entity/supply"), "the others were read ahead")
	require.Equal(t, batching.Stats{ReadRequests: 1, DocumentsRead: 5, ReadAhead: 4, AheadUsed: 4}, b.client.BatchStats())

	_, _, err = b.client.ReadQueued(b.ctx, moysklad.TypeSupply, ids[1], events, "positions.assortment")
	require.NoError(t, err)
	require.Equal(t, 2, b.requests("GET", "/entity/supply"), "a read ahead serves one job, the next reads again")
}

// A change made after a document was read ahead has an event the read has
// not seen: the job for it reads again.
func TestAReadAheadOlderThanTheJobsEventIsNotUsed(t *testing.T) {
	t.Parallel()
	b := setup(t, 10*time.Millisecond)
	ids := b.supplies(t, 2)
	b.srv.AddState(moysklad.TypeSupply, "Передать", "")
	b.client = mustNew(t, b, batching.Config{Window: 10 * time.Millisecond, Queued: queued(ids...)})
	_, _, err := b.client.ReadQueued(b.ctx, moysklad.TypeSupply, ids[0], time.Now(), "state")
	require.NoError(t, err)
	require.NoError(t, b.srv.SetState(moysklad.TypeSupply, ids[1], "Передать")) // staff, after the read
	received := time.Now()
	d, at, err := b.client.ReadQueued(b.ctx, moysklad.TypeSupply, ids[1], received, "state")
	require.NoError(t, err)
	require.Equal(t, "Передать", d.StateName())
	require.True(t, at.After(received))
	require.Zero(t, b.client.BatchStats().AheadUsed)
}

func TestAWriteMakesAReadAheadStale(t *testing.T) {
	t.Parallel()
	b := setup(t, 10*time.Millisecond)
	ids := b.supplies(t, 2)
	b.client = mustNew(t, b, batching.Config{Window: 10 * time.Millisecond, Queued: queued(ids...)})
	_, _, err := b.client.ReadQueued(b.ctx, moysklad.TypeSupply, ids[0], time.Now())
	require.NoError(t, err)
	text := "записано после чтения"
	_, err = b.client.UpdateDocument(b.ctx, moysklad.TypeSupply, ids[1], moysklad.DocumentUpdate{Description: &text})
	require.NoError(t, err)
	d, _, err := b.client.ReadQueued(b.ctx, moysklad.TypeSupply, ids[1], time.Time{})
	require.NoError(t, err)
	require.Equal(t, text, d.Description, "read again, not the state before the write")
	require.Zero(t, b.client.BatchStats().AheadUsed)
}

// A write still under way when a list request goes may land after it: the
// document it writes is not read ahead.
func TestADocumentBeingWrittenIsNotReadAhead(t *testing.T) {
	t.Parallel()
	b := setup(t, 10*time.Millisecond)
	ids := b.supplies(t, 2)
	arrived, hold := make(chan struct{}), make(chan struct{})
	b.client = b.behind(t, batching.Config{Window: 10 * time.Millisecond, Queued: queued(ids...)}, func(r *http.Request) {
		if r.Method == http.MethodPut {
			close(arrived)
			<-hold
		}
	})
	release := sync.OnceFunc(func() { close(hold) })
	t.Cleanup(release)

	text := "пишется"
	written := make(chan error, 1)
	go func() {
		_, err := b.client.UpdateDocument(b.ctx, moysklad.TypeSupply, ids[1], moysklad.DocumentUpdate{Description: &text})
		written <- err
	}()
	<-arrived
	_, _, err := b.client.ReadQueued(b.ctx, moysklad.TypeSupply, ids[0], time.Now())
	require.NoError(t, err)
	require.Zero(t, b.client.BatchStats().ReadAhead)
	release()
	require.NoError(t, <-written)
}
