package storage

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Sentinel errors of the ingest.
var (
	// ErrOverloaded is answered at once when the ingest queue is full: the
	// sender resends, which beats answering after its timeout.
	ErrOverloaded = errors.New("storage: ingest queue full")
	// ErrClosed is answered once the store is closing.
	ErrClosed = errors.New("storage: closed")
)

// Notification is one delivery as received: its raw body, stored once,
// and the events in it worth work.
type Notification struct {
	Source    string
	RequestID string // the sender's delivery id, the same on its resends; "" when it has none
	// Payload is the raw body, kept for the operator. Optional.
	Payload []byte
	Events  []InboxEvent
	// ReceivedAt defaults to now.
	ReceivedAt time.Time
}

// Accepted says what became of a notification's events.
type Accepted struct {
	Stored    int // stored; the dispatcher makes their jobs
	Duplicate int // seen before: the request id, or the event's key
	// Deferred are stored inside the notification and become inbox rows
	// in a fan-out job after the answer (only their keys are not checked
	// yet).
	Deferred int
}

// New is how many events are new work, as far as is known at the answer.
func (a Accepted) New() int { return a.Stored + a.Deferred }

// Accept stores a notification durably: when it returns nil the events
// cannot be lost. Concurrent calls are committed together in one
// transaction by one writer (group commit), each answered after that
// single fsync; when the writer's queue is full it answers ErrOverloaded
// at once. ctx bounds only the wait: a call that gave up may still be
// committed, which a resend then finds as a duplicate.
func (s *Store) Accept(ctx context.Context, n Notification) (Accepted, error) {
	if n.ReceivedAt.IsZero() {
		n.ReceivedAt = time.Now()
	}
	d, err := s.prepare(n)
	if err != nil {
		return Accepted{}, err
	}
	if err := s.ingest.enqueue(d); err != nil {
		return Accepted{}, err
	}
	select {
	case r := <-d.done:
		return r.accepted, r.err
	case <-ctx.Done():
		return Accepted{}, ctx.Err()
	}
}

// AcceptEvents stores events from one source (Accept without a body) and
// says how many are new work.
func (s *Store) AcceptEvents(ctx context.Context, requestID, source string, events []InboxEvent) (int, error) {
	a, err := s.Accept(ctx, Notification{Source: source, RequestID: requestID, Events: events})
	return a.New(), err
}

// IngestStats counts the writer's work since the store opened.
type IngestStats struct {
	Deliveries int64 // notifications committed or failed
	Batches    int64 // transactions they took
	Overloaded int64 // refused because the queue was full
	Pending    int64 // waiting for their commit now
	Committing int64 // of them, in the transaction being committed
}

// IngestStats reads the writer's counters.
func (s *Store) IngestStats() IngestStats {
	return IngestStats{Deliveries: s.ingest.deliveries.Load(), Batches: s.ingest.batches.Load(), Overloaded: s.ingest.overloaded.Load(),
		Pending: s.ingest.pending.Load(), Committing: s.ingest.committing.Load()}
}

type delivery struct {
	n       Notification
	payload []byte // the body as stored
	events  []byte // the events as stored, when they are fanned out
	done    chan result
}

// rows is about how many rows a delivery writes at its answer.
func (d *delivery) rows() int {
	if d.events != nil {
		return 3
	}
	return 2 + 2*len(d.n.Events)
}

// prepare encodes what a delivery stores, in the caller's goroutine: the
// one writer only writes.
func (s *Store) prepare(n Notification) (*delivery, error) {
	d := &delivery{n: n, done: make(chan result, 1)}
	var err error
	if d.payload, err = packBlob(n.Payload); err != nil {
		return nil, err
	}
	if len(n.Events) > s.cfg.FanOutAbove {
		if d.events, err = encodeEvents(n.Events); err == nil {
			d.events, err = packBlob(d.events)
		}
	}
	return d, err
}

type result struct {
	accepted Accepted
	err      error
}

// ingester is the one writer of notifications.
type ingester struct {
	store  *Store
	queue  chan *delivery
	window time.Duration
	rows   int // a batch closes when it writes this many rows

	deliveries, batches, overloaded atomic.Int64
	pending                         atomic.Int64 // queued or being committed
	committing                      atomic.Int64 // being committed

	mu     sync.RWMutex // guards closed against enqueue
	closed bool
	stop   chan struct{}
	exited chan struct{}
}

func newIngester(s *Store, queue int, window time.Duration, rows int) *ingester {
	in := &ingester{store: s, queue: make(chan *delivery, queue), window: window, rows: rows,
		stop: make(chan struct{}), exited: make(chan struct{})}
	go in.run()
	return in
}

func (in *ingester) enqueue(d *delivery) error {
	in.mu.RLock()
	defer in.mu.RUnlock()
	if in.closed {
		return ErrClosed
	}
	in.pending.Add(1)
	select {
	case in.queue <- d:
		return nil
	default:
		in.pending.Add(-1)
		in.overloaded.Add(1)
		return ErrOverloaded
	}
}

// close commits what is queued and stops the writer.
func (in *ingester) close() {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return
	}
	in.closed = true
	in.mu.Unlock()
	close(in.stop)
	<-in.exited
}

func (in *ingester) run() {
	defer close(in.exited)
	for {
		var first *delivery
		select {
		case first = <-in.queue:
		case <-in.stop:
			// enqueue refuses now: what is queued is all there will be.
			for len(in.queue) > 0 {
				in.commit(in.gather(<-in.queue, false))
			}
			return
		}
		in.commit(in.gather(first, true))
	}
}

// gather takes what queued while the last batch was committed and, with a
// window, waits that long for more: at low load a delivery is committed
// at once, under load the batches grow by themselves.
func (in *ingester) gather(first *delivery, wait bool) []*delivery {
	batch, rows := []*delivery{first}, first.rows()
	var timeout <-chan time.Time
	if wait && in.window > 0 {
		t := time.NewTimer(in.window)
		defer t.Stop()
		timeout = t.C
	}
take:
	for rows < in.rows {
		select {
		case d := <-in.queue:
			batch, rows = append(batch, d), rows+d.rows()
			continue
		default:
		}
		if timeout == nil {
			break take
		}
		select {
		case d := <-in.queue:
			batch, rows = append(batch, d), rows+d.rows()
		case <-timeout:
			break take
		}
	}
	return batch
}

// writeTimeout bounds one transaction of the writer and of the
// dispatcher. Their callers stopped waiting long before (a delivery's
// answer waits 1–2.5 s); what it guards against is a connection whose
// server vanished mid-query (failed over to another host): nothing answers
// on it, TCP gives up only after about 15 min, and meanwhile the one writer
// would refuse every delivery though the database is back. The end of the
// context closes that connection; the next try takes another.
const writeTimeout = 10 * time.Second

// commit writes a batch in one transaction. If it fails, each delivery
// is written alone, so that one bad delivery fails only itself.
func (in *ingester) commit(batch []*delivery) {
	in.batches.Add(1)
	in.deliveries.Add(int64(len(batch)))
	in.committing.Store(int64(len(batch)))
	defer in.committing.Store(0)
	defer in.pending.Add(-int64(len(batch)))
	if in.answer(batch) == nil || len(batch) == 1 {
		return
	}
	for _, d := range batch {
		_ = in.answer([]*delivery{d})
	}
}

// answer writes deliveries together and, once that is durable or has
// failed for good, answers them. The error is returned unanswered when a
// smaller batch may still succeed.
func (in *ingester) answer(batch []*delivery) error {
	// Not a caller's context: one that gave up must not abort the others.
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	var accepted []Accepted
	err := in.store.inTx(ctx, func(tx *sqlTx) error {
		var err error
		accepted, err = in.store.writeBatch(ctx, tx, batch)
		return err
	})
	if err != nil && len(batch) > 1 {
		in.store.cfg.Logger.Warn("ingest batch failed, writing its deliveries one by one", "deliveries", len(batch), "err", err)
		return err
	}
	for i, d := range batch {
		if err != nil {
			d.done <- result{err: err}
		} else {
			d.done <- result{accepted: accepted[i]}
		}
	}
	if err == nil {
		in.store.dispatch.Load().poke()
	}
	return nil
}
