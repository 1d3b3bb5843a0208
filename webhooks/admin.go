package webhooks

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/storage"
)

// Admin is what the operator's JSON API reads and does.
type Admin interface {
	Documents(ctx context.Context, f storage.DocumentFilter) ([]storage.Document, error)
	Document(ctx context.Context, docType, docID string) (storage.Document, error)
	Timeline(ctx context.Context, docType, docID string) ([]storage.TimelineEntry, error)
	QueueRerun(ctx context.Context, docType, docID string) error
	QueueCheck(ctx context.Context, docType, docID string) error
}

// documentJSON is a document as the API shows it.
type documentJSON struct {
	Type      string        `json:"type"`
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Flow      string        `json:"flow"`
	State     string        `json:"state"`
	Warehouse string        `json:"warehouse"`
	IndocID   string        `json:"indoc_id,omitempty"`
	Delivery  *deliveryJSON `json:"delivery,omitempty"`
	LastError string        `json:"last_error,omitempty"`
	UpdatedAt time.Time     `json:"updated_at"`
	Stuck     bool          `json:"stuck"`
}

// deliveryJSON is a document's CDEK order.
type deliveryJSON struct {
	OrderNumber string     `json:"order_number"`
	OrderUUID   string     `json:"order_uuid,omitempty"`
	TrackNumber string     `json:"track_number,omitempty"`
	Status      string     `json:"status,omitempty"`
	StatusAt    *time.Time `json:"status_at,omitempty"`
}

type timelineJSON struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	Message string    `json:"message"`
	Detail  string    `json:"detail,omitempty"`
}

func (s *Server) toJSON(d storage.Document) documentJSON {
	out := documentJSON{Type: d.Type, ID: d.ID, Name: d.Name, Flow: d.Flow, State: d.State, Warehouse: d.Warehouse,
		IndocID: d.IndocID, LastError: d.LastError, UpdatedAt: d.UpdatedAt,
		Stuck: !fsm.IsSettled(fsm.State(d.State)) && time.Since(d.UpdatedAt) > s.cfg.StuckAfter}
	if dl := d.Delivery; dl.OrderNumber != "" {
		out.Delivery = &deliveryJSON{OrderNumber: dl.OrderNumber, OrderUUID: dl.OrderUUID, TrackNumber: dl.TrackNumber, Status: dl.Status}
		if !dl.StatusAt.IsZero() {
			out.Delivery.StatusAt = &dl.StatusAt
		}
	}
	return out
}

// adminAuth guards the operator's routes with the configured credentials.
func (s *Server) adminAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		user, pass, ok := c.Request().BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.cfg.AdminUser)) != 1 ||
			subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.AdminPassword)) != 1 {
			c.Response().Header().Set("WWW-Authenticate", `Basic realm="skladflow"`)
			return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "admin credentials required"}
		}
		return next(c)
	}
}

func (s *Server) apiDocuments(c echo.Context) error {
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	docs, err := s.admin.Documents(c.Request().Context(), storage.DocumentFilter{Flow: c.QueryParam("flow"), State: c.QueryParam("state"), Limit: limit})
	if err != nil {
		return err
	}
	out := make([]documentJSON, 0, len(docs))
	for _, d := range docs {
		j := s.toJSON(d)
		if c.QueryParam("stuck") == "true" && !j.Stuck {
			continue
		}
		out = append(out, j)
	}
	return c.JSON(http.StatusOK, map[string]any{"documents": out})
}

// documentAndTimeline loads the document the route names, with its timeline.
func (s *Server) documentAndTimeline(c echo.Context) (storage.Document, []storage.TimelineEntry, error) {
	ctx := c.Request().Context()
	d, err := s.admin.Document(ctx, c.Param("type"), c.Param("id"))
	if err != nil {
		return d, nil, notFoundOr(err)
	}
	tl, err := s.admin.Timeline(ctx, d.Type, d.ID)
	return d, tl, err
}

func (s *Server) apiDocument(c echo.Context) error {
	d, tl, err := s.documentAndTimeline(c)
	if err != nil {
		return err
	}
	entries := make([]timelineJSON, len(tl))
	for i, e := range tl {
		entries[i] = timelineJSON{At: e.At, Kind: string(e.Kind), Message: e.Message, Detail: e.Detail}
	}
	return c.JSON(http.StatusOK, map[string]any{"document": s.toJSON(d), "timeline": entries})
}

func (s *Server) apiRetry(c echo.Context) error {
	if err := s.admin.QueueRerun(c.Request().Context(), c.Param("type"), c.Param("id")); err != nil {
		return notFoundOr(err)
	}
	return c.JSON(http.StatusAccepted, map[string]string{"status": "queued"})
}

func notFoundOr(err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "skladflow has no such document", cause: err}
	}
	return err
}
