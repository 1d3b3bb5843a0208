package webhooks

import (
	"context"
	"crypto/subtle"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// SourceMoySklad marks inbox events that came from MoySklad.
const SourceMoySklad = "moysklad"

// moysklad stores a MoySklad notification and answers 204. MoySklad waits
// 1500 ms and never resends after a timeout, so nothing here may call out.
func (s *Server) moysklad(c echo.Context) error {
	secret := c.Param("secret")
	if subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.MoySkladSecret)) != 1 {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "not found"}
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	n, err := moysklad.ParseNotification(body)
	if err != nil {
		return &Error{Status: http.StatusBadRequest, Code: "bad_notification", Message: err.Error(), cause: err}
	}
	requestID := c.QueryParam("requestId")
	events := s.inboxEvents(requestID, n)
	if len(events) > 0 {
		// Answer before MoySklad's 1500 ms even if the database stalls: a
		// non-2xx answer is resent at once, a timeout is lost for good.
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.StoreTimeout)
		defer cancel()
		a, err := s.inbox.Accept(ctx, storage.Notification{Source: SourceMoySklad, RequestID: requestID, Payload: body, Events: events})
		if err != nil {
			return storeFailed(err)
		}
		s.cfg.Logger.Debug("notification stored", "request_id", requestID, "events", len(events), "new", a.New(),
			"doc_type", events[0].DocType, "doc_id", events[0].DocID)
		s.cfg.Metrics.WebhooksReceived.Add(float64(a.New()), SourceMoySklad)
		s.cfg.Metrics.WebhooksDeduplicated.Add(float64(a.Duplicate), SourceMoySklad)
	}
	return c.NoContent(http.StatusNoContent)
}

// cardFields are the fields of a product or variant a warehouse card is
// made of: a change of any other field leaves the cards as they are.
var cardFields = []string{"name", "article", "code", "externalCode", "barcodes", "weight", "vat", "vatEnabled",
	"useParentVat", "characteristics", "attributes", "weighed"}

// inboxEvents keeps the events worth work: watched document types, not
// caused by skladflow itself, and (when MoySklad says what changed) a status
// change or a creation; and changes of goods that alter their cards.
func (s *Server) inboxEvents(requestID string, n *moysklad.Notification) []storage.InboxEvent {
	out := make([]storage.InboxEvent, 0, len(n.Events))
	for i, ev := range n.Events {
		if n.AuditContext != nil && s.cfg.IntegrationUID != "" && n.AuditContext.UID == s.cfg.IntegrationUID {
			continue
		}
		if s.goods[ev.Meta.Type] {
			if ev.Action != moysklad.ActionUpdate || len(ev.UpdatedFields) > 0 &&
				!slices.ContainsFunc(ev.UpdatedFields, func(f string) bool { return slices.Contains(cardFields, f) }) {
				continue
			}
			out = append(out, storage.InboxEvent{EventKey: eventKey(requestID, i, n.AuditContext, ev), DocType: ev.Meta.Type, DocID: ev.Meta.ID()})
			continue
		}
		if !s.types[ev.Meta.Type] {
			continue
		}
		switch ev.Action {
		case moysklad.ActionCreate:
		case moysklad.ActionUpdate:
			if len(ev.UpdatedFields) > 0 && !slices.Contains(ev.UpdatedFields, "state") {
				continue
			}
		default:
			continue
		}
		out = append(out, storage.InboxEvent{EventKey: eventKey(requestID, i, n.AuditContext, ev), DocType: ev.Meta.Type, DocID: ev.Meta.ID()})
	}
	return out
}

// eventKey is the identity of a change: the audit context names the
// operation, so the same change under two requestIds is stored once.
// Without an audit context only the request id identifies it.
func eventKey(requestID string, i int, ac *moysklad.AuditContext, ev moysklad.Event) string {
	op := "request:" + requestID + "#" + strconv.Itoa(i)
	if ac != nil && ac.Meta.Href != "" {
		op = "audit:" + ac.Meta.ID()
	}
	return op + "/" + ev.Meta.Type + "/" + ev.Meta.ID() + "/" + ev.Action
}
