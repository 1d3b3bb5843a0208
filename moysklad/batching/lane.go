package batching

import (
	"context"
	"sync"
)

// lane orders the batches of one kind (the reads of one type and expand,
// the writes of one type): one is gathering, the closed ones wait their
// turn, and one request is in flight at a time. While a request waits for
// MoySklad's rate limit, the next batch keeps gathering: the busier the
// limit, the larger the batches.
type lane[B any] struct {
	open   *B
	ripe   bool // open's window has ended: it goes once nothing is in flight
	closed []*B
	busy   bool
}

// gather makes b the gathering batch.
func (l *lane[B]) gather(b *B) { l.open, l.ripe = b, false }

// close ends the gathering batch.
func (l *lane[B]) close() {
	if l.open != nil {
		l.closed = append(l.closed, l.open)
		l.open, l.ripe = nil, false
	}
}

// next is the batch to send now, if one may go: the oldest closed one, or
// the gathering one once its window has ended.
func (l *lane[B]) next() *B {
	if l.busy {
		return nil
	}
	if len(l.closed) == 0 && l.ripe {
		l.close()
	}
	if len(l.closed) == 0 {
		return nil
	}
	b := l.closed[0]
	l.closed = l.closed[1:]
	l.busy = true
	return b
}

// idle says whether nothing is gathering, waiting or in flight.
func (l *lane[B]) idle() bool { return l.open == nil && len(l.closed) == 0 && !l.busy }

// due ends b's window: unless it already went, it goes now, or, while a
// request of its lane is in flight, keeps gathering until that is
// answered. What may go now is returned.
func due[K comparable, B any](mu *sync.Mutex, lanes map[K]*lane[B], key K, b *B) *B {
	mu.Lock()
	defer mu.Unlock()
	l := lanes[key]
	if l == nil { // sent full, and its lane done since
		return nil
	}
	if l.open == b {
		l.ripe = true
	}
	return l.next()
}

// drain sends b, then the next batches of its lane, one at a time, in the
// order they were closed.
func drain[K comparable, B any](mu *sync.Mutex, lanes map[K]*lane[B], key K, b *B, send func(*B)) {
	for b != nil {
		send(b)
		mu.Lock()
		l := lanes[key]
		l.busy = false
		b = l.next()
		if l.idle() {
			delete(lanes, key)
		}
		mu.Unlock()
	}
}

// admit is called with mu held after a caller joined the gathering batch:
// a full batch is closed, and what may go is sent. It releases mu.
func admit[B any](mu *sync.Mutex, l *lane[B], full bool, send func(*B)) {
	if full {
		l.close()
	}
	next := l.next()
	mu.Unlock()
	if next != nil {
		go send(next)
	}
}

// await waits until a batch is answered or the caller gives up.
func await(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
