package moysklad

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error codes skladflow reacts to.
const (
	CodeNotFound           = 1021
	CodeRateLimit          = 1049
	CodeConcurrentModified = 1065
	CodeParallelLimit      = 1073
	CodeUnavailable        = 1095
	CodeRequiredField      = 3000
	CodeStateOfOtherType   = 11002
	// CodeHasReturn: a document with a posted return cannot be un-posted
	// (moysklad.md §4.4).
	CodeHasReturn = 17014
)

// ErrorElement is one entry of MoySklad's errors[].
type ErrorElement struct {
	Error        string `json:"error"`
	Code         int    `json:"code,omitempty"`
	Parameter    string `json:"parameter,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
	MoreInfo     string `json:"moreInfo,omitempty"`
	Line         int    `json:"line,omitempty"`
	Column       int    `json:"column,omitempty"`
}

// ErrorBody is MoySklad's error response body.
type ErrorBody struct {
	Errors []ErrorElement `json:"errors"`
}

// APIError is a non-2xx answer from MoySklad.
type APIError struct {
	Status int
	Method string
	Path   string // path without query, never the token
	Errors []ErrorElement
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "moysklad: %s %s: HTTP %d", e.Method, e.Path, e.Status)
	for _, el := range e.Errors {
		b.WriteString(": ")
		if el.Code != 0 {
			fmt.Fprintf(&b, "код %d ", el.Code)
		}
		b.WriteString(el.Error)
		if el.Parameter != "" {
			fmt.Fprintf(&b, " (%s)", el.Parameter)
		}
	}
	return b.String()
}

// HasCode reports whether any error element has the code.
func (e *APIError) HasCode(code int) bool {
	for _, el := range e.Errors {
		if el.Code == code {
			return true
		}
	}
	return false
}

// Temporary reports whether the failure may go away by itself: a rate
// limit, a server error, a concurrent modification or MoySklad being
// unavailable.
func (e *APIError) Temporary() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500 ||
		e.HasCode(CodeConcurrentModified) || e.HasCode(CodeUnavailable)
}

// Is makes errors.Is(err, ErrNotFound) work for 404 answers.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.Status == 404
}

// ErrNotFound matches a 404 from MoySklad.
var ErrNotFound = errors.New("moysklad: not found")

// TransportError is a call MoySklad did not answer: the connection failed,
// timed out or broke, or the context ended. Err carries no URL.
type TransportError struct {
	Op  string // e.g. "GET entity/supply/<id>"
	Err error
}

func (e *TransportError) Error() string { return "moysklad: " + e.Op + ": " + e.Err.Error() }

func (e *TransportError) Unwrap() error { return e.Err }

// Temporary is always true: no answer is not a final answer.
func (e *TransportError) Temporary() bool { return true }

// StaffText is the refusal as staff read it in the mini-log: MoySklad's
// codes and texts, without the request.
func (e *APIError) StaffText() string {
	if len(e.Errors) == 0 {
		return fmt.Sprintf("HTTP %d", e.Status)
	}
	parts := make([]string, len(e.Errors))
	for i, el := range e.Errors {
		parts[i] = el.Error
		if el.Code != 0 {
			parts[i] = fmt.Sprintf("ошибка %d: %s", el.Code, el.Error)
		}
	}
	return strings.Join(parts, "; ")
}
