package storage

import (
	"context"
	"strings"
	"time"

	"github.com/riverqueue/river"
)

// dispatchChunk is how many events one dispatch transaction turns into
// jobs: a few milliseconds of the one connection, so a delivery arriving
// meanwhile waits little.
const dispatchChunk = 200

// dispatchSweep is how often the dispatcher looks for events without a
// job even when nothing woke it: those an insert-only process (a command)
// stored, or a crash left.
const dispatchSweep = time.Second

// dispatcher turns stored events into their jobs after the answer: the
// answer waits only for the events to be durable, and River's insert — the
// larger part of a write — is paid outside it, in chunks, giving way to
// the writer whenever deliveries wait.
type dispatcher struct {
	store  *Store
	wake   chan struct{}
	stop   chan struct{}
	exited chan struct{}
}

func (s *Store) startDispatcher() {
	d := &dispatcher{store: s, wake: make(chan struct{}, 1), stop: make(chan struct{}), exited: make(chan struct{})}
	s.dispatch.Swap(d).close()
	d.poke()
	go d.run()
}

// poke makes the dispatcher look now.
func (d *dispatcher) poke() {
	if d == nil {
		return
	}
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *dispatcher) close() {
	if d == nil {
		return
	}
	close(d.stop)
	<-d.exited
}

func (d *dispatcher) run() {
	defer close(d.exited)
	t := time.NewTicker(dispatchSweep)
	defer t.Stop()
	for {
		select {
		case <-d.wake:
		case <-t.C:
		case <-d.stop:
			return
		}
		for {
			// Deliveries first: their answers wait, the jobs do not (for
			// a while: under endless load the jobs must come too).
			for waited := 0; d.store.ingest.pending.Load() > 0 && waited < 50; waited++ {
				select {
				case <-d.stop:
					return
				case <-time.After(time.Millisecond):
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
			n, err := d.store.Dispatch(ctx, dispatchChunk)
			cancel()
			if err != nil {
				d.store.cfg.Logger.Warn("events not dispatched to jobs yet", "err", err)
				break
			}
			if n < dispatchChunk {
				break
			}
		}
	}
}

// Dispatch makes the jobs of up to limit stored events that have none yet,
// oldest first, and marks them in the same transaction: each event gets
// exactly one job. It says how many it made.
func (s *Store) Dispatch(ctx context.Context, limit int) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sqlTx) error {
		// Another replica may dispatch at the same time: each takes the
		// rows no one else holds, and marks only those.
		rows, err := tx.QueryContext(ctx, `SELECT id, doc_type, doc_id FROM inbox WHERE dispatched = 0 ORDER BY id LIMIT ?`+
			tx.dialect.skipLocked(), limit)
		if err != nil {
			return err
		}
		var ids []any
		var jobs []river.InsertManyParams
		for rows.Next() {
			var e InboxEvent
			if err := rows.Scan(&e.ID, &e.DocType, &e.DocID); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, e.ID)
			jobs = append(jobs, river.InsertManyParams{Args: jobOf(e)})
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if len(jobs) == 0 {
			return nil
		}
		if _, err := s.river.InsertManyFastTx(ctx, tx.raw, jobs); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox SET dispatched = 1 WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...); err != nil {
			return err
		}
		n = len(jobs)
		return nil
	})
	return n, err
}

// Undispatched counts stored events still waiting for their job.
func (s *Store) Undispatched(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM inbox WHERE dispatched = 0`).Scan(&n)
	return n, err
}

// jobOf is the work an event asks for.
func jobOf(e InboxEvent) river.JobArgs {
	switch {
	case e.DocType == DocTypeWarehouse:
		// A push says the warehouse's feed has news: read it, through the
		// same path as the periodic poll.
		return PollFeedArgs{Warehouse: e.DocID}
	case IsAssortmentType(e.DocType):
		return RefreshGoodArgs{AssortmentType: e.DocType, AssortmentID: e.DocID}
	}
	return ProcessDocumentArgs{DocType: e.DocType, DocID: e.DocID}
}
