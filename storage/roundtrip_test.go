package storage_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
)

// The queries no other storage test reaches, run once on each backend: a
// query SQLite takes and PostgreSQL refuses (or the reverse) fails here.
func TestQueriesRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	readTo := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	n, err := b.store.AcceptOutdocsReadTo(b.ctx, "w", []storage.Outdoc{{OutdocID: 7, Type: "orders_shipment", IndocID: "MS-7"}}, readTo)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	at, err := b.store.FeedCursor(b.ctx, "w")
	require.NoError(t, err)
	require.True(t, readTo.Equal(at))
	news, err := b.store.OutdocsWithStatus(b.ctx, "w", storage.OutdocNew, storage.OutdocFailed)
	require.NoError(t, err)
	require.Len(t, news, 1)

	_, err = b.store.Update(b.ctx, "demand", "d1", func(tx *storage.Tx, d *storage.Document) error {
		d.State = "shipping"
		require.NoError(t, b.store.UpdateOutdocTx(tx, "w", 7, func(o *storage.Outdoc) error {
			o.Status = storage.OutdocApplied
			return nil
		}))
		require.NoError(t, tx.PutOutdocPart(storage.OutdocPart{Warehouse: "w", OutdocID: 7, Key: "o1", DocType: "demand", DocID: "d1",
			Status: storage.PartApplied, Change: []byte(`{"x":1}`)}))
		return tx.Enqueue(b.ctx, storage.ProcessDocumentArgs{DocType: "demand", DocID: "d1"}, nil)
	})
	require.NoError(t, err)
	require.NoError(t, b.store.PutOutdocPart(b.ctx, storage.OutdocPart{Warehouse: "w", OutdocID: 7, Key: "o2", Status: storage.PartSkipped}))
	p, err := b.store.OutdocPart(b.ctx, "w", 7, "o1")
	require.NoError(t, err)
	require.Equal(t, []byte(`{"x":1}`), p.Change)
	parts, err := b.store.OutdocParts(b.ctx, "w", 7)
	require.NoError(t, err)
	require.Len(t, parts, 2)
	applied, err := b.store.OutdocsWithStatus(b.ctx, "w", storage.OutdocApplied)
	require.NoError(t, err)
	require.Len(t, applied, 1)

	stuck, err := b.store.CountStuck(b.ctx, time.Now().Add(time.Minute), "done", "cancelled")
	require.NoError(t, err)
	require.Equal(t, 1, stuck)
	stuck, err = b.store.CountStuck(b.ctx, time.Now().Add(-time.Minute))
	require.NoError(t, err)
	require.Zero(t, stuck)

	require.NoError(t, b.store.QueueCheck(b.ctx, "demand", "d1"))
	has, err := b.store.HasUnprocessed(b.ctx, "demand", "d1")
	require.NoError(t, err)
	require.True(t, has)
	newest, err := b.store.NewestUnprocessed(b.ctx, "demand", "d1")
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), newest, time.Minute)
	none, err := b.store.NewestUnprocessed(b.ctx, "demand", "d2")
	require.NoError(t, err)
	require.True(t, none.IsZero())
	before := time.Now().Add(-time.Second)
	worked, err := b.store.ProcessedSince(b.ctx, "demand", "d1", before)
	require.NoError(t, err)
	require.False(t, worked, "nothing of d1 is processed yet")
	require.NoError(t, b.store.MarkProcessed(b.ctx, "demand", "d1", time.Now()))
	worked, err = b.store.ProcessedSince(b.ctx, "demand", "d1", before)
	require.NoError(t, err)
	require.True(t, worked)
	worked, err = b.store.ProcessedSince(b.ctx, "demand", "d1", time.Now().Add(time.Minute))
	require.NoError(t, err)
	require.False(t, worked, "processed before the given moment")

	require.NoError(t, b.store.QueueRerun(b.ctx, "demand", "d1"))
	require.NoError(t, b.store.QueueProcess(b.ctx, "demand", "d2"))
	require.Len(t, jobs(t, b.store, "process_document"), 3, "Enqueue, QueueCheck's event, QueueProcess")
	counts, err := b.store.JobCounts(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 5, counts["available"], "with the outdoc's and the rerun")
}

// A share reopened is forgotten and its imported outdoc queued again, its
// other shares kept; an outdoc not imported is left alone.
func TestReopenOutdocPart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.store.AcceptOutdocs(b.ctx, "w", []storage.Outdoc{{OutdocID: 8, Type: "orders_client_return"}})
	require.NoError(t, err)
	for _, key := range []string{"RB-1", "RB-2"} {
		require.NoError(t, b.store.PutOutdocPart(b.ctx, storage.OutdocPart{Warehouse: "w", OutdocID: 8, Key: key, Status: storage.PartFailed}))
	}
	queued := len(jobs(t, b.store, storage.ApplyOutdocArgs{}.Kind()))

	again, err := b.store.ReopenOutdocPart(b.ctx, "w", 8, "RB-1")
	require.NoError(t, err)
	require.False(t, again, "still new: its job applies it")

	require.NoError(t, b.store.UpdateOutdoc(b.ctx, "w", 8, func(o *storage.Outdoc) error { o.Status = storage.OutdocLocked; return nil }))
	again, err = b.store.ReopenOutdocPart(b.ctx, "w", 8, "RB-1")
	require.NoError(t, err)
	require.True(t, again)
	od, err := b.store.Outdoc(b.ctx, "w", 8)
	require.NoError(t, err)
	require.Equal(t, storage.OutdocNew, od.Status)
	parts, err := b.store.OutdocParts(b.ctx, "w", 8)
	require.NoError(t, err)
	require.Len(t, parts, 1)
	require.Equal(t, "RB-2", parts[0].Key)
	require.Len(t, jobs(t, b.store, storage.ApplyOutdocArgs{}.Kind()), queued+1)
}
