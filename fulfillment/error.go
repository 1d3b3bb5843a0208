package fulfillment

import (
	"errors"
	"fmt"
	"net/http"
)

// FBox error codes (fbox-openapi.yaml #error_dict). Codes below 1000 equal
// the HTTP status.
const (
	CodeUnclassified = 1000
	CodeDuplicate    = 1001 // «Входящий документ с номером XXX уже зарегистрирован»
)

// ErrDuplicate matches error 1001: an incoming document with that number
// already exists.
var ErrDuplicate = errors.New("fulfillment: document number already registered")

// ErrNotFound matches a 404 answer.
var ErrNotFound = errors.New("fulfillment: not found")

// Error is an FBox answer with success:false or a non-2xx status.
type Error struct {
	HTTPStatus int
	Code       int    `json:"error_code"`
	Message    string `json:"error_message"`
	Op         string // e.g. "POST /indocs"
}

func (e *Error) Error() string {
	return fmt.Sprintf("fbox: %s: HTTP %d, код %d: %s", e.Op, e.HTTPStatus, e.Code, e.Message)
}

func (e *Error) Is(target error) bool {
	switch target {
	case ErrDuplicate:
		return e.Code == CodeDuplicate
	case ErrNotFound:
		return e.HTTPStatus == 404 || e.Code == 404
	}
	return false
}

// Temporary reports whether the failure may go away by itself: a rate
// limit (as HTTP 429 or as code 429) or a server error.
func (e *Error) Temporary() bool {
	return e.HTTPStatus == http.StatusTooManyRequests || e.HTTPStatus >= 500 || e.Code == http.StatusTooManyRequests
}

// TransportError is a call FBox did not answer: the connection failed,
// timed out or broke, or the context ended. Err carries no URL.
type TransportError struct {
	Op  string // e.g. "POST /indocs"
	Err error
}

func (e *TransportError) Error() string { return "fbox: " + e.Op + ": " + e.Err.Error() }

func (e *TransportError) Unwrap() error { return e.Err }

// Temporary is always true: no answer is not a final answer.
func (e *TransportError) Temporary() bool { return true }

// StaffText is the error as staff read it in the mini-log: the warehouse's
// code and text, without the request.
func (e *Error) StaffText() string {
	if e.Code >= 1000 {
		return fmt.Sprintf("ошибка склада %d: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("склад ответил HTTP %d: %s", e.HTTPStatus, e.Message)
}
