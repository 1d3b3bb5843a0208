package loadtest

import "sync"

// ledger is what the generator knows of each document it sent: whether
// any delivery carrying it was acknowledged.
type ledger struct {
	mu    sync.Mutex
	acked map[string]bool // docKey → acknowledged
}

func newLedger() *ledger { return &ledger{acked: map[string]bool{}} }

// record notes a delivery's documents and its outcome: an acknowledged
// document stays so whatever a duplicate's answer was.
func (l *ledger) record(d delivery, o outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, doc := range d.docs {
		l.acked[doc] = l.acked[doc] || o.acked
	}
}

// documents copies what is known, for the verifier.
func (l *ledger) documents() map[string]bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]bool, len(l.acked))
	for k, v := range l.acked {
		out[k] = v
	}
	return out
}

// ackedCount counts the acknowledged documents.
func (l *ledger) ackedCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, v := range l.acked {
		if v {
			n++
		}
	}
	return n
}
