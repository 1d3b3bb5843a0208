package service_test

import (
	"cmp"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/skladflowtest"
	"github.com/skladflow/skladflow/storage"
)

// An installation moved from SQLite to PostgreSQL with documents in
// flight (skladflow migrate-db) finishes them on PostgreSQL: supplies the
// warehouse kept refusing, and one whose notification was stored but not
// yet worked when the service stopped, are each handed over once.
func TestMoveToPostgresMidFlow(t *testing.T) {
	t.Parallel()
	base := cmp.Or(os.Getenv(skladflowtest.PostgresEnv), os.Getenv("SKLADFLOW_TEST_POSTGRES"))
	if base == "" {
		t.Skip("neither " + skladflowtest.PostgresEnv + " nor SKLADFLOW_TEST_POSTGRES is set: no PostgreSQL to move to")
	}
	h := skladflowtest.Start(t, skladflowtest.Options{SQLite: true, RetryBudget: 100 * time.Millisecond})
	b := &bundle{ctx: t.Context(), h: h, ms: h.MoySklad, fb: h.FBox, svc: h.Service, cfg: h.Config, store: h.Store,
		p: products{kettle: h.Products[0], mug: h.Products[1]}}
	ctx := b.ctx

	// The warehouse refuses every task: the supplies handed over are
	// retried, mid-flow when the service stops.
	b.fb.FailNext(fboxtest.Fault{Method: "POST", PathPrefix: "/indocs", HTTPStatus: 503, Code: 503, Message: "Service Unavailable", Count: 100000})
	var docs []moysklad.Document
	for _, l := range []line{{b.p.kettle, 3}, {b.p.mug, 5}} {
		d := b.supply(t, "", l)
		b.setStatus(t, moysklad.TypeSupply, d.ID, "Передать")
		docs = append(docs, d)
	}
	for _, d := range docs {
		_, err := h.WaitTimeline(ctx, moysklad.TypeSupply, d.ID, func(tl []storage.TimelineEntry) bool {
			return slices.ContainsFunc(tl, func(e storage.TimelineEntry) bool { return e.Kind == storage.KindCall })
		})
		require.NoError(t, err, "the warehouse refused %s at least once", d.ID)
	}
	require.NoError(t, h.StopService())

	// A third supply handed over just before the stop: its notification
	// was stored, not yet worked. MoySklad sends nothing more (the test
	// stores the event itself): the stored event is all there is of it.
	b.ms.DisableWebhooks()
	last := b.supply(t, "", line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeSupply, last.ID, "Передать")
	docs = append(docs, last)
	src, err := storage.Open(ctx, storage.Config{Path: h.Database()})
	require.NoError(t, err)
	_, err = src.AcceptEvents(ctx, "", "moysklad", []storage.InboxEvent{{EventKey: "stored-before-the-stop/" + last.ID,
		DocType: moysklad.TypeSupply, DocID: last.ID}})
	require.NoError(t, err)

	// skladflow migrate-db.
	dsn, err := h.NewPostgresSchema(ctx, base)
	require.NoError(t, err)
	dst, err := storage.Open(ctx, storage.Config{Path: dsn})
	require.NoError(t, err)
	rep, err := src.CopyTo(ctx, dst)
	require.NoError(t, err)
	require.NoError(t, src.Close())
	require.Equal(t, int64(2), rep.Rows["documents"], "the third is not known yet: its event is")
	require.Equal(t, 1, rep.Undispatched, "the third supply's event waits for its job")
	for _, d := range docs {
		busy, err := dst.HasUnprocessed(ctx, moysklad.TypeSupply, d.ID)
		require.NoError(t, err)
		require.True(t, busy, "%s has work waiting on PostgreSQL: reconciliation leaves it alone", d.ID)
	}
	require.NoError(t, dst.Close())

	// The warehouse is back; the service starts on PostgreSQL.
	b.fb.ClearFaults()
	require.NoError(t, h.StartService(ctx, dsn))
	b.svc = h.Service
	for _, d := range docs {
		got := b.waitStatus(t, moysklad.TypeSupply, d.ID, "Передан")
		row := b.row(t, moysklad.TypeSupply, d.ID)
		require.Contains(t, lastLine(t, got), "Передан на склад БетаПРО: задание "+row.IndocID)
		_, ok := b.fb.SupplyTask(row.IndocID)
		require.True(t, ok, d.ID)
		tl, err := b.svc.Store.Timeline(ctx, moysklad.TypeSupply, d.ID)
		require.NoError(t, err)
		for _, e := range tl {
			require.NotEqual(t, storage.KindReconcile, e.Kind, "%s was worked from what the copy carried, not found again", d.ID)
		}
	}
	require.Len(t, b.fb.SupplyTasks(), len(docs), "one task each")
}
