package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/skladflow/skladflow/stdwebhooks"
	"github.com/skladflow/skladflow/storage"
)

// SourceFulfillment marks inbox events pushed by a warehouse (or a relay in
// front of it).
const SourceFulfillment = "fulfillment"

// pushNotice is what a warehouse push says: a document is ready in its feed.
type pushNotice struct {
	Type       string `json:"type"`
	OutdocID   int64  `json:"outdoc_id"`
	OutdocType string `json:"outdoc_type"`
	IndocID    string `json:"indoc_id"`
}

// fulfillment stores a signed warehouse push (Standard Webhooks) and answers
// at once. The push only makes the warehouse's feed be read now; the feed
// stays the source of truth, so push and poll never apply a document twice.
func (s *Server) fulfillment(c echo.Context) error {
	name, err := url.PathUnescape(c.Param("warehouse"))
	key, ok := s.cfg.WarehouseKeys[name]
	if err != nil || !ok {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "not found"}
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	id, err := stdwebhooks.Verify(key, c.Request().Header, body, time.Now())
	if err != nil {
		return &Error{Status: http.StatusUnauthorized, Code: "bad_signature", Message: err.Error(), cause: err}
	}
	var n pushNotice
	if err := json.Unmarshal(body, &n); err != nil || n.Type == "" {
		msg := "body must be a JSON object with a type"
		if err != nil {
			msg += ": " + err.Error()
		}
		return &Error{Status: http.StatusBadRequest, Code: "bad_notification", Message: msg}
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.PushStoreTimeout)
	defer cancel()
	// The webhook-id is stable across the sender's retries: a replay stores nothing.
	a, err := s.inbox.Accept(ctx, storage.Notification{Source: SourceFulfillment + ":" + name, RequestID: id, Payload: body,
		Events: []storage.InboxEvent{{EventKey: "push/" + id, DocType: storage.DocTypeWarehouse, DocID: name}}})
	if err != nil {
		return storeFailed(err)
	}
	s.cfg.Metrics.WebhooksReceived.Add(float64(a.New()), SourceFulfillment)
	s.cfg.Metrics.WebhooksDeduplicated.Add(float64(a.Duplicate), SourceFulfillment)
	return c.NoContent(http.StatusNoContent)
}

// readBody reads the raw body once, within the size limit: signatures are
// over these exact bytes.
func (s *Server) readBody(c echo.Context) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, s.cfg.BodyLimit))
	if err == nil {
		return body, nil
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
			Message: fmt.Sprintf("body larger than %d bytes", s.cfg.BodyLimit)}
	}
	return nil, &Error{Status: http.StatusBadRequest, Code: "bad_body", Message: "cannot read body", cause: err}
}
