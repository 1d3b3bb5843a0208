package storage_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/storage/storagetest"
)

func TestCopyPlanCoversEveryTable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	unknown, err := b.store.UnknownTables(b.ctx)
	require.NoError(t, err)
	require.Empty(t, unknown, "a migration added a table: copy it (copiedTables in storage/migratedb.go) or say in skippedTables why not")
	tables, err := b.store.Tables(b.ctx)
	require.NoError(t, err)
	copied, skipped := storage.CopyPlan()
	for _, name := range copied {
		require.Contains(t, tables, name, "copiedTables names a table no migration creates")
	}
	for name := range skipped {
		require.Contains(t, tables, name, "skippedTables names a table no migration creates")
	}
}

type copyBundle struct {
	ctx     context.Context
	src     *storage.Store
	srcPath string
	srcDB   *sql.DB // the SQLite file, for what no API writes (job states)
	dst     *storage.Store
}

// setupCopy is a SQLite store and an empty PostgreSQL one. The copy needs
// PostgreSQL, and its source is SQLite on either pass of TestMain: it runs
// once, on the first.
func setupCopy(t *testing.T, src storage.Config) *copyBundle {
	t.Helper()
	base := os.Getenv(postgresEnv)
	if base == "" {
		t.Skip(postgresEnv + " is not set: the copy needs a PostgreSQL target")
	}
	if onPostgres {
		t.Skip("run on the first pass: the source is SQLite in both")
	}
	ctx := context.Background()
	src.Path = filepath.Join(t.TempDir(), "skladflow.db")
	src.FetchPollInterval = 20 * time.Millisecond
	s, err := storage.Open(ctx, src)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	db, err := sql.Open(storage.SQLDriver(src.Path))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	dsn, drop, err := storagetest.NewSchema(ctx, base)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, drop()) })
	d, err := storage.Open(ctx, storage.Config{Path: dsn})
	require.NoError(t, err)
	t.Cleanup(func() { d.Close() })
	return &copyBundle{ctx: ctx, src: s, srcPath: src.Path, srcDB: db, dst: d}
}

// fill puts rows in every table of the source, and jobs in every state.
func (b *copyBundle) fill(t *testing.T) {
	t.Helper()
	ctx, s := b.ctx, b.src
	// inbox_requests, notifications (a body shared by two events), inbox:
	// two events dispatched, one waiting for its job, one processed.
	_, err := s.Accept(ctx, storage.Notification{Source: "moysklad", RequestID: "r1", Payload: []byte(`{"events":[1,2]}`),
		Events: []storage.InboxEvent{event("e1", "d1"), event("e2", "d2")}})
	require.NoError(t, err)
	n, err := s.Dispatch(ctx, 2)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	_, err = s.Accept(ctx, storage.Notification{Source: "moysklad", RequestID: "r2", Payload: []byte(`{"events":[3]}`),
		Events: []storage.InboxEvent{event("e3", "d3")}})
	require.NoError(t, err)
	require.NoError(t, s.MarkProcessed(ctx, "supply", "d2", time.Now()))
	// A large notification not fanned out yet: its events wait in it.
	_, err = s.Accept(ctx, storage.Notification{Source: "moysklad", RequestID: "r3",
		Events: []storage.InboxEvent{event("f1", "d4"), event("f2", "d5"), event("f3", "d6")}})
	require.NoError(t, err)

	// documents, document_keys (d2 had two keys), timeline: more rows
	// than one INSERT takes; a job scheduled for later.
	_, err = s.Update(ctx, "supply", "d1", func(tx *storage.Tx, d *storage.Document) error {
		d.Name, d.Flow, d.State, d.Warehouse, d.IndocID, d.Attempt, d.LastError = "00001", "inbound", "submitted", "wh", "T-1", 2, "таймаут"
		d.Delivery = storage.Delivery{OrderNumber: "o1", OrderUUID: "u1", TrackNumber: "tr1", Status: "ACCEPTED", StatusAt: time.Now()}
		for i := range 2500 {
			if err := tx.AddTimeline(storage.TimelineEntry{DocType: "supply", DocID: "d1", Kind: storage.KindCall,
				Message: fmt.Sprintf("call %d", i), Detail: "ответ 200"}); err != nil {
				return err
			}
		}
		return tx.Enqueue(ctx, storage.ProcessDocumentArgs{DocType: "supply", DocID: "d1"},
			&river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour), Priority: 2, Tags: []string{"later"}})
	})
	require.NoError(t, err)
	for _, key := range []string{"T-2", "T-3"} {
		_, err = s.Update(ctx, "supply", "d2", func(tx *storage.Tx, d *storage.Document) error {
			d.Flow, d.State, d.IndocID = "inbound", "accepted", key
			return nil
		})
		require.NoError(t, err)
	}

	// outdocs with every blob, outdoc_parts, feed_cursors; an apply job.
	part := int32(1)
	_, err = s.AcceptOutdocsReadTo(ctx, "wh", []storage.Outdoc{{OutdocID: 7, Type: "receipt", IndocID: "T-1", PartNum: &part}}, time.Now())
	require.NoError(t, err)
	require.NoError(t, s.UpdateOutdoc(ctx, "wh", 7, func(o *storage.Outdoc) error {
		o.Status, o.Body, o.Before, o.Kind, o.Change = storage.OutdocApplied, []byte(`{"id":7}`), []byte(`[]`), "final", []byte(`{"q":1}`)
		return nil
	}))
	require.NoError(t, s.PutOutdocPart(ctx, storage.OutdocPart{Warehouse: "wh", OutdocID: 7, Key: "o-1", DocType: "supply",
		DocID: "d1", Status: storage.PartApplied, Change: []byte(`{"q":2}`), UpdatedAt: time.Now()}))

	// goods, stock_checks, stock_check_lines.
	require.NoError(t, s.SaveGoods(ctx,
		storage.Good{Warehouse: "wh", AssortmentType: "product", AssortmentID: "p1", GoodID: "g1", SKU: "A-1", Name: "Чай"},
		storage.Good{Warehouse: "wh", AssortmentType: "variant", AssortmentID: "v1", ParentID: "p1", GoodID: "g2", SKU: "A-1-L", Name: "Чай, L"}))
	_, err = s.SaveStockCheck(ctx, storage.StockCheck{Warehouse: "wh", StartedAt: time.Now().Add(-time.Minute), FinishedAt: time.Now(),
		Goods: 2, Matched: 1, Unexplained: 1, Lines: []storage.StockCheckLine{{GoodID: "g1", AssortmentID: "p1", AssortmentType: "product",
			Name: "Чай", Class: storage.StockUnexplained, Expected: 1.5, Actual: 3,
			Stores: []storage.StockCheckStore{{StoreID: "s1", Label: "Склад", Expected: 1.5, Actual: 3}}, Note: "не объяснено"}}}, time.Time{})
	require.NoError(t, err)

	// leases: a holder of the stopped service.
	ok, err := s.TryLease(ctx, storage.DocumentLease("supply", "d1"), "stopped-process")
	require.NoError(t, err)
	require.True(t, ok)

	// Jobs in the other states: unique and available, running (the stop
	// interrupted it), retryable, pending, and finished ones.
	queued, err := s.QueueStockCheck(ctx)
	require.NoError(t, err)
	require.True(t, queued)
	for _, w := range []string{"wh", "wh2"} {
		res, err := s.River().Insert(ctx, uniqueByArgs{Warehouse: w}, nil)
		require.NoError(t, err)
		require.False(t, res.UniqueSkippedAsDuplicate)
	}
	b.insertJob(t, storage.RerunDocumentArgs{DocType: "supply", DocID: "d1"}, `state = 'running', attempt = 1, attempted_at = datetime('now', 'subsec')`)
	b.insertJob(t, storage.ProcessDocumentArgs{DocType: "supply", DocID: "d2"}, `state = 'retryable', attempt = 2, scheduled_at = datetime('now', '+10 minutes', 'subsec')`)
	b.insertJob(t, storage.ProcessDocumentArgs{DocType: "supply", DocID: "d8"}, `state = 'pending'`)
	b.insertJob(t, storage.ProcessDocumentArgs{DocType: "supply", DocID: "d9"}, `state = 'completed', attempt = 1, finalized_at = datetime('now', 'subsec')`)
	b.insertJob(t, storage.ProcessDocumentArgs{DocType: "supply", DocID: "d10"}, `state = 'discarded', attempt = 25, finalized_at = datetime('now', 'subsec')`)
}

// uniqueByArgs is a job unique by its arguments while unfinished, as
// orchestrator.ReconcileArgs is.
type uniqueByArgs struct {
	Warehouse string `json:"warehouse"`
}

func (uniqueByArgs) Kind() string { return "test_unique_by_args" }

func (uniqueByArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateScheduled, rivertype.JobStateRetryable,
	}}}
}

// insertJob inserts a job and sets what only a worker would.
func (b *copyBundle) insertJob(t *testing.T, args river.JobArgs, set string) {
	t.Helper()
	res, err := b.src.River().Insert(b.ctx, args, nil)
	require.NoError(t, err)
	_, err = b.srcDB.ExecContext(b.ctx, `UPDATE river_job SET `+set+` WHERE id = ?`, res.Job.ID)
	require.NoError(t, err)
}

var allStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStateCancelled, rivertype.JobStateCompleted,
	rivertype.JobStateDiscarded, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}

func listJobs(t *testing.T, s *storage.Store) []*rivertype.JobRow {
	t.Helper()
	res, err := s.River().JobList(context.Background(), river.NewJobListParams().States(allStates...).
		OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(1000))
	require.NoError(t, err)
	return res.Jobs
}

// same reads a thing through both stores' API and requires it equal.
func same[T any](t *testing.T, b *copyBundle, what string, read func(*storage.Store) (T, error)) T {
	t.Helper()
	want, err := read(b.src)
	require.NoError(t, err, what)
	got, err := read(b.dst)
	require.NoError(t, err, what)
	require.Equal(t, want, got, what)
	return got
}

func TestCopyToPostgres(t *testing.T) {
	t.Parallel()
	b := setupCopy(t, storage.Config{FanOutAbove: 2})
	b.fill(t)
	srcJobs := listJobs(t, b.src)
	rep, err := b.src.CopyTo(b.ctx, b.dst)
	require.NoError(t, err)

	copied, _ := storage.CopyPlan()
	require.Equal(t, copied, rep.Tables)
	for _, table := range copied {
		var n int64
		require.NoError(t, b.srcDB.QueryRowContext(b.ctx, `SELECT count(*) FROM `+table).Scan(&n))
		require.Positive(t, n, "fill leaves %s empty: the copy of it is not tested", table)
		require.Equal(t, n, rep.Rows[table], table)
	}

	ctx := b.ctx
	docs := same(t, b, "documents", func(s *storage.Store) ([]storage.Document, error) {
		return s.Documents(ctx, storage.DocumentFilter{})
	})
	require.Len(t, docs, 2)
	same(t, b, "document_keys", func(s *storage.Store) (storage.Document, error) { return s.DocumentByIndoc(ctx, "T-2") })
	tl := same(t, b, "timeline", func(s *storage.Store) ([]storage.TimelineEntry, error) { return s.Timeline(ctx, "supply", "d1") })
	require.Len(t, tl, 2500)
	same(t, b, "inbox", func(s *storage.Store) ([]storage.InboxEvent, error) { return s.Unprocessed(ctx, 100) })
	same(t, b, "inbox count", func(s *storage.Store) (int, error) { return s.InboxCount(ctx) })
	same(t, b, "undispatched", func(s *storage.Store) (int, error) { return s.Undispatched(ctx) })
	require.Equal(t, 1, rep.Undispatched)
	same(t, b, "outdoc", func(s *storage.Store) (storage.Outdoc, error) { return s.Outdoc(ctx, "wh", 7) })
	same(t, b, "outdoc parts", func(s *storage.Store) ([]storage.OutdocPart, error) { return s.OutdocParts(ctx, "wh", 7) })
	same(t, b, "feed cursor", func(s *storage.Store) (time.Time, error) { return s.FeedCursor(ctx, "wh") })
	same(t, b, "goods", func(s *storage.Store) ([]storage.Good, error) { return s.AllGoods(ctx, "wh") })
	checks := same(t, b, "stock checks", func(s *storage.Store) ([]storage.StockCheck, error) { return s.LatestStockChecks(ctx) })
	require.Len(t, checks, 1)
	require.Len(t, checks[0].Lines, 1)

	// The unfinished jobs, in order, made again; attempts start afresh, a
	// running one is due at once, a retryable one when it was due.
	var want []*rivertype.JobRow
	for _, j := range srcJobs {
		if j.FinalizedAt == nil {
			want = append(want, j)
		}
	}
	got := listJobs(t, b.dst)
	require.Len(t, got, len(want))
	require.Equal(t, len(want), rep.Jobs)
	for i, j := range want {
		g := got[i]
		require.Equal(t, j.Kind, g.Kind)
		require.JSONEq(t, string(j.EncodedArgs), string(g.EncodedArgs))
		require.Equal(t, []any{j.Queue, j.Priority, j.MaxAttempts, j.Tags, j.UniqueStates},
			[]any{g.Queue, g.Priority, g.MaxAttempts, g.Tags, g.UniqueStates}, j.Kind)
		require.Zero(t, g.Attempt)
		switch j.State {
		case rivertype.JobStateRunning, rivertype.JobStateAvailable:
			require.Equal(t, rivertype.JobStateAvailable, g.State, j.Kind)
		case rivertype.JobStateRetryable, rivertype.JobStateScheduled:
			require.Equal(t, rivertype.JobStateScheduled, g.State, j.Kind)
			require.WithinDuration(t, j.ScheduledAt, g.ScheduledAt, time.Millisecond, "stored precision differs, not the time")
		default:
			require.Equal(t, j.State, g.State, j.Kind)
		}
	}

	// The target works on: the waiting event gets its job, the large
	// notification its inbox rows, unique jobs stay unique, new rows get
	// new ids, the lease of the stopped service is gone, a resent request
	// is known.
	n, err := b.dst.Dispatch(ctx, 100)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	var fanOut FanOutArgs
	for _, j := range got {
		if j.Kind == (storage.FanOutArgs{}).Kind() {
			require.NoError(t, json.Unmarshal(j.EncodedArgs, &fanOut))
		}
	}
	before, err := b.dst.InboxCount(ctx)
	require.NoError(t, err)
	require.NoError(t, b.dst.FanOut(ctx, fanOut.NotificationID))
	after, err := b.dst.InboxCount(ctx)
	require.NoError(t, err)
	require.Equal(t, before+3, after)
	queued, err := b.dst.QueueStockCheck(ctx)
	require.NoError(t, err)
	require.False(t, queued, "the copied stock check is still queued: a second is a duplicate")
	for _, w := range []string{"wh", "wh2"} {
		res, err := b.dst.River().Insert(ctx, uniqueByArgs{Warehouse: w}, nil)
		require.NoError(t, err)
		require.True(t, res.UniqueSkippedAsDuplicate, "unique by its arguments as before the copy")
	}
	res, err := b.dst.River().Insert(ctx, uniqueByArgs{Warehouse: "wh3"}, nil)
	require.NoError(t, err)
	require.False(t, res.UniqueSkippedAsDuplicate)
	require.NoError(t, b.dst.AddTimeline(ctx, storage.TimelineEntry{DocType: "supply", DocID: "d1", Kind: storage.KindOperator, Message: "после переноса"}))
	tl2, err := b.dst.Timeline(ctx, "supply", "d1")
	require.NoError(t, err)
	require.Greater(t, tl2[len(tl2)-1].ID, tl[len(tl)-1].ID)
	id, err := b.dst.SaveStockCheck(ctx, storage.StockCheck{Warehouse: "wh", StartedAt: time.Now(), FinishedAt: time.Now()}, time.Time{})
	require.NoError(t, err)
	require.Greater(t, id, checks[0].ID)
	ok, err := b.dst.TryLease(ctx, storage.DocumentLease("supply", "d1"), "new-process")
	require.NoError(t, err)
	require.True(t, ok, "leases are not copied")
	acc, err := b.dst.Accept(ctx, storage.Notification{Source: "moysklad", RequestID: "r2", Events: []storage.InboxEvent{event("e3", "d3")}})
	require.NoError(t, err)
	require.Equal(t, 1, acc.Duplicate)

	// Never into a database that holds data.
	_, err = b.src.CopyTo(ctx, b.dst)
	require.ErrorIs(t, err, storage.ErrTargetNotEmpty)
	require.ErrorContains(t, err, "documents (2 rows)")
}

// FanOutArgs reads a fan-out job's arguments.
type FanOutArgs struct {
	NotificationID int64 `json:"notification_id"`
}

func TestCopyRefusesServedSource(t *testing.T) {
	t.Parallel()
	b := setupCopy(t, storage.Config{Workers: river.NewWorkers()})
	require.NoError(t, b.src.Start(b.ctx))
	t.Cleanup(func() { b.src.Stop(context.Background()) })
	// Started means elected soon: River's leader runs the maintenance.
	require.Eventually(t, func() bool {
		var n int
		return b.srcDB.QueryRowContext(b.ctx, `SELECT count(*) FROM river_leader`).Scan(&n) == nil && n == 1
	}, 30*time.Second, 20*time.Millisecond)
	_, err := b.src.CopyTo(b.ctx, b.dst)
	require.ErrorIs(t, err, storage.ErrSourceInUse)
	require.ErrorContains(t, err, "stop the service first")
}
