package orchestrator

import (
	"errors"
	"time"
)

// ErrFinal marks an error that retrying will not fix.
var ErrFinal = errors.New("final")

// ErrBusy means another job holds the document: try again shortly.
var ErrBusy = errors.New("orchestrator: document busy")

// LaterError asks the queue to look at the document again after a while,
// without using up an attempt: a peer has not finished its part yet.
type LaterError struct{ After time.Duration }

func (e *LaterError) Error() string {
	return "orchestrator: not answered yet, look again in " + e.After.String()
}

// Later asks for another look after d.
func Later(d time.Duration) error { return &LaterError{After: d} }

// Temporary reports whether an error may go away by itself: a peer is
// down, overloaded or rate limiting. Such work is retried by the durable
// queue; anything else is a final answer about the document. Each client's
// errors say it themselves (a Temporary method); an error no client made
// (the database busy, a timeout) is worth another try.
func Temporary(err error) bool {
	if err == nil {
		return false
	}
	var t interface{ Temporary() bool }
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return true
}
