package webhooks

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/storage"
)

// SourceCDEK marks inbox events pushed by CDEK.
const SourceCDEK = "cdek"

// Orders finds the document a carrier order belongs to.
type Orders interface {
	DocumentByOrder(ctx context.Context, orderUUID string) (storage.Document, error)
}

// cdek stores an ORDER_STATUS push for the order's document and answers
// 200 at once. CDEK signs nothing and never resends: the secret path keeps
// strangers out, and the push is only a hint — the job reads the order
// from CDEK before writing anything. The same status pushed twice (a
// duplicate subscription) is stored once.
func (s *Server) cdek(c echo.Context) error {
	if s.cfg.CDEKSecret == "" || subtle.ConstantTimeCompare([]byte(c.Param("secret")), []byte(s.cfg.CDEKSecret)) != 1 {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "not found"}
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	p, err := cdek.ParsePush(body)
	if err != nil {
		return &Error{Status: http.StatusBadRequest, Code: "bad_notification", Message: err.Error(), cause: err}
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.PushStoreTimeout)
	defer cancel()
	doc, err := s.cfg.Orders.DocumentByOrder(ctx, p.UUID)
	if errors.Is(err, storage.ErrNotFound) {
		// Not ours, or pushed before the order's id was saved: the check
		// after creation and the poller read it anyway.
		s.cfg.Logger.Warn("CDEK push for an unknown order", "order_uuid", p.UUID, "code", p.Attributes.Code)
		s.cfg.Metrics.WebhooksRejected.Inc(SourceCDEK, "unknown_order")
		return c.String(http.StatusOK, "OK")
	}
	if err != nil {
		return storeFailed(err)
	}
	key := "status/" + p.UUID + "/" + p.Attributes.Code + "/" + p.Attributes.StatusDateTime.UTC().Format(time.RFC3339)
	a, err := s.inbox.Accept(ctx, storage.Notification{Source: SourceCDEK, Payload: body,
		Events: []storage.InboxEvent{{EventKey: key, DocType: doc.Type, DocID: doc.ID}}})
	if err != nil {
		return storeFailed(err)
	}
	s.cfg.Logger.Debug("CDEK push stored", "order_uuid", p.UUID, "code", p.Attributes.Code, "doc_type", doc.Type, "doc_id", doc.ID, "new", a.New())
	s.cfg.Metrics.WebhooksReceived.Add(float64(a.New()), SourceCDEK)
	s.cfg.Metrics.WebhooksDeduplicated.Add(float64(a.Duplicate), SourceCDEK)
	return c.String(http.StatusOK, "OK")
}
