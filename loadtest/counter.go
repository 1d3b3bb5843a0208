package loadtest

import (
	"context"
	"maps"
	"sync"

	"github.com/riverqueue/river"

	"github.com/skladflow/skladflow/storage"
)

// counter records how many times each document's job ran: the flows are
// replaced by it, so the only work a job does is to be counted.
type counter struct {
	mu   sync.Mutex
	runs map[string]int // docKey → runs
}

func newCounter() *counter { return &counter{runs: map[string]int{}} }

func (c *counter) add(key string) {
	c.mu.Lock()
	c.runs[key]++
	c.mu.Unlock()
}

// snapshot copies the counts.
func (c *counter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.runs)
}

// docKey names a document as the counts and the ledger do.
func docKey(docType, docID string) string { return docType + "/" + docID }

// countWorker counts the runs of one job kind.
type countWorker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	c   *counter
	key func(T) string
}

func (w *countWorker[T]) Work(_ context.Context, job *river.Job[T]) error {
	w.c.add(w.key(job.Args))
	return nil
}

// countingWorkers are the workers of the kinds the MoySklad edge queues:
// documents, and (never sent here, but River refuses to insert a kind
// without a worker) goods refreshes and feed polls. The fan-out worker is
// storage's own and registers itself.
func countingWorkers(c *counter) *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, &countWorker[storage.ProcessDocumentArgs]{c: c,
		key: func(a storage.ProcessDocumentArgs) string { return docKey(a.DocType, a.DocID) }})
	river.AddWorker(w, &countWorker[storage.RefreshGoodArgs]{c: c,
		key: func(a storage.RefreshGoodArgs) string { return docKey(a.AssortmentType, a.AssortmentID) }})
	river.AddWorker(w, &countWorker[storage.PollFeedArgs]{c: c,
		key: func(a storage.PollFeedArgs) string { return docKey(storage.DocTypeWarehouse, a.Warehouse) }})
	return w
}
