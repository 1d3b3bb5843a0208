package webhooks

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/skladflow/skladflow/storage"
)

// Error is an answer the edge gives on purpose: a status and a JSON body
// {"error": code, "message": text}.
type Error struct {
	Status  int
	Code    string
	Message string
	cause   error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return e.Message + ": " + e.cause.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.cause }

// storeFailed is the answer when a notification could not be stored: 503,
// so the sender resends. A full ingest queue answers so at once.
func storeFailed(err error) *Error {
	if errors.Is(err, storage.ErrOverloaded) {
		return &Error{Status: http.StatusServiceUnavailable, Code: "overloaded", Message: "too many notifications at once, send again", cause: err}
	}
	return &Error{Status: http.StatusServiceUnavailable, Code: "store_failed", Message: "event not stored, send again", cause: err}
}

// errorBody is the JSON every error answer carries.
type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// handleError is the one place where errors become HTTP answers.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, body := http.StatusInternalServerError, errorBody{Error: "internal", Message: "internal error"}
	var e *Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &e):
		status, body = e.Status, errorBody{Error: e.Code, Message: e.Message}
	case errors.As(err, &he):
		status = he.Code
		body = errorBody{Error: codeOf(he.Code), Message: http.StatusText(he.Code)}
		if m, ok := he.Message.(string); ok {
			body.Message = m
		}
	}
	if status >= 400 && strings.HasPrefix(c.Path(), "/hooks/") {
		source := strings.TrimSuffix(strings.TrimPrefix(c.Path(), "/hooks/"), "/:secret")
		source = strings.TrimSuffix(source, "/:warehouse")
		s.cfg.Metrics.WebhooksRejected.Inc(source, body.Error)
	}
	log := s.cfg.Logger.Warn
	if status >= 500 {
		log = s.cfg.Logger.Error
	}
	// A webhook's path may hold its secret: log the route, and the path
	// only where it names a document (the operator's pages and API).
	attrs := []any{"route", c.Path(), "method", c.Request().Method, "status", status, "err", err}
	if strings.HasPrefix(c.Path(), "/admin") || strings.HasPrefix(c.Path(), "/api/") {
		attrs = append(attrs, "path", c.Request().URL.Path)
	}
	log("http error", attrs...)
	if err := c.JSON(status, body); err != nil {
		s.cfg.Logger.Error("write error answer", "err", err)
	}
}

func codeOf(status int) string {
	switch status {
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusBadRequest:
		return "bad_request"
	}
	return "error"
}
