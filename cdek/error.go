package cdek

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrNotFound means CDEK has no such order.
var ErrNotFound = errors.New("cdek: not found")

// Problem codes that mean "try again later".
const (
	CodeInternalError       = "v2_internal_error"
	CodeSimilarRequestInRun = "v2_similar_request_still_processed"
)

// Error is a CDEK answer with an INVALID request or an HTTP error.
// Problems are CDEK's own: the refused request's errors, the top-level
// errors[] of GET and list endpoints, or the OAuth error.
type Error struct {
	Status   int
	Op       string
	Problems []Problem
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Code + ": " + p.Message
	}
	return fmt.Sprintf("cdek: %s: HTTP %d: %s", e.Op, e.Status, strings.Join(parts, "; "))
}

// HasCode reports whether CDEK named the error code.
func (e *Error) HasCode(code string) bool {
	for _, p := range e.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

func (e *Error) Is(target error) bool {
	if target != ErrNotFound {
		return false
	}
	for _, p := range e.Problems {
		if strings.HasPrefix(p.Code, "v2_entity_not_found") {
			return true
		}
	}
	return e.Status == http.StatusNotFound
}

// Temporary reports whether the failure may go away by itself: a rate
// limit, a server error, CDEK's internal error or a similar request still
// being processed (wait, do not create again).
func (e *Error) Temporary() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500 ||
		e.HasCode(CodeInternalError) || e.HasCode(CodeSimilarRequestInRun)
}

// TransportError is a call CDEK did not answer: the connection failed,
// timed out or broke, or the context ended. Err carries no URL.
type TransportError struct {
	Op  string // e.g. "GET /orders/<uuid>"
	Err error
}

func (e *TransportError) Error() string { return "cdek: " + e.Op + ": " + e.Err.Error() }

func (e *TransportError) Unwrap() error { return e.Err }

// Temporary is always true: no answer is not a final answer.
func (e *TransportError) Temporary() bool { return true }
