package orchestrator

import (
	"errors"
	"net/http"
	"time"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
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

// Temporary reports whether an error from a peer may go away by itself:
// the peer is down, overloaded or rate limiting. Such work is retried by
// the durable queue; anything else is a final answer about the document.
func Temporary(err error) bool {
	if err == nil {
		return false
	}
	var ms *moysklad.APIError
	if errors.As(err, &ms) {
		return ms.Status == http.StatusTooManyRequests || ms.Status >= 500 ||
			ms.HasCode(moysklad.CodeConcurrentModified) || ms.HasCode(moysklad.CodeUnavailable)
	}
	var fb *fulfillment.Error
	if errors.As(err, &fb) {
		return fb.HTTPStatus == http.StatusTooManyRequests || fb.HTTPStatus >= 500 || fb.Code == http.StatusTooManyRequests
	}
	var ce *cdek.Error
	if errors.As(err, &ce) {
		return ce.Status == http.StatusTooManyRequests || ce.Status >= 500 ||
			ce.HasCode("v2_internal_error") || ce.HasCode("v2_similar_request_still_processed")
	}
	var unknown *UnknownStateError
	if errors.As(err, &unknown) {
		return false
	}
	// Network errors and timeouts: try again later.
	return true
}
