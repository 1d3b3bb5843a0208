package webhooks

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/skladflow/skladflow/storage"
)

// StockChecks is the parity report's history and a way to ask for a run.
type StockChecks interface {
	// StockChecks lists checks newest first, without lines.
	StockChecks(ctx context.Context, warehouse string, limit int) ([]storage.StockCheck, error)
	// StockCheck loads one check with its lines (storage.ErrNotFound).
	StockCheck(ctx context.Context, id int64) (storage.StockCheck, error)
	// LatestStockChecks are each warehouse's last check with its lines.
	LatestStockChecks(ctx context.Context) ([]storage.StockCheck, error)
	// QueueStockCheck queues a run; false when one is queued or running.
	QueueStockCheck(ctx context.Context) (bool, error)
}

// stockCheckRoutes maps «Сверка остатков»: the JSON/CSV API and the page.
func (s *Server) stockCheckRoutes(api, ui *echo.Group) {
	api.GET("/stock-check", s.apiStockCheck)
	api.POST("/stock-check", s.apiRunStockCheck)
	ui.GET("/stock-check", s.uiStockCheck)
	ui.POST("/stock-check", s.uiRunStockCheck)
}

// stockCheckJSON is a check as the API shows it.
type stockCheckJSON struct {
	ID          int64           `json:"id"`
	Warehouse   string          `json:"warehouse"`
	StartedAt   time.Time       `json:"started_at"`
	FinishedAt  time.Time       `json:"finished_at"`
	Goods       int             `json:"goods"`
	Matched     int             `json:"matched"`
	InFlight    int             `json:"in_flight"`
	Explained   int             `json:"explained"`
	Unexplained int             `json:"unexplained"`
	Error       string          `json:"error,omitempty"`
	Lines       []stockLineJSON `json:"lines"`
}

type stockLineJSON struct {
	GoodID         string                       `json:"good_id"`
	AssortmentID   string                       `json:"assortment_id"`
	AssortmentType string                       `json:"assortment_type,omitempty"`
	Name           string                       `json:"name,omitempty"`
	Class          string                       `json:"class"`
	Expected       float64                      `json:"expected"`
	Actual         float64                      `json:"actual"`
	Difference     float64                      `json:"difference"` // expected − actual: what MoySklad lacks
	Stores         []storage.StockCheckStore    `json:"stores"`
	Documents      []storage.StockCheckDocument `json:"documents"`
	Note           string                       `json:"note,omitempty"`
}

func stockCheckToJSON(c storage.StockCheck) stockCheckJSON {
	out := stockCheckJSON{ID: c.ID, Warehouse: c.Warehouse, StartedAt: c.StartedAt, FinishedAt: c.FinishedAt, Goods: c.Goods,
		Matched: c.Matched, InFlight: c.InFlight, Explained: c.Explained, Unexplained: c.Unexplained, Error: c.Error,
		Lines: []stockLineJSON{}}
	for _, l := range c.Lines {
		j := stockLineJSON{GoodID: l.GoodID, AssortmentID: l.AssortmentID, AssortmentType: l.AssortmentType, Name: l.Name, Class: l.Class,
			Expected: l.Expected, Actual: l.Actual, Difference: l.Expected - l.Actual, Stores: l.Stores, Documents: l.Documents, Note: l.Note}
		if j.Stores == nil {
			j.Stores = []storage.StockCheckStore{}
		}
		if j.Documents == nil {
			j.Documents = []storage.StockCheckDocument{}
		}
		out.Lines = append(out.Lines, j)
	}
	return out
}

// stockChecksOf are the checks a request names: ?id= one check, else the
// latest of each warehouse.
func (s *Server) stockChecksOf(c echo.Context) ([]storage.StockCheck, error) {
	ctx := c.Request().Context()
	if raw := c.QueryParam("id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: "id: want a check number", cause: err}
		}
		chk, err := s.cfg.StockChecks.StockCheck(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such stock check", cause: err}
		}
		if err != nil {
			return nil, err
		}
		return []storage.StockCheck{chk}, nil
	}
	return s.cfg.StockChecks.LatestStockChecks(ctx)
}

// apiStockCheck answers JSON, or CSV for ?format=csv or Accept: text/csv.
func (s *Server) apiStockCheck(c echo.Context) error {
	checks, err := s.stockChecksOf(c)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	if format == "" && strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/csv") {
		format = "csv"
	}
	switch format {
	case "", "json":
		var buf bytes.Buffer
		if err := WriteStockChecksJSON(&buf, checks); err != nil {
			return err
		}
		return c.JSONBlob(http.StatusOK, buf.Bytes())
	case "csv":
		var buf bytes.Buffer
		if err := WriteStockChecksCSV(&buf, checks); err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="stock-check.csv"`)
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	}
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: "format: want json or csv"}
}

// WriteStockChecksJSON writes checks as GET /api/stock-check answers
// them: {"checks": [...]} (the stock-check command prints the same).
func WriteStockChecksJSON(w io.Writer, checks []storage.StockCheck) error {
	out := make([]stockCheckJSON, 0, len(checks))
	for _, chk := range checks {
		out = append(out, stockCheckToJSON(chk))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"checks": out}); err != nil {
		return fmt.Errorf("webhooks: stock check json: %w", err)
	}
	return nil
}

// WriteStockChecksCSV writes one row per good that did not match; a check
// that could not be made is one row with its error.
func WriteStockChecksCSV(out io.Writer, checks []storage.StockCheck) error {
	w := csv.NewWriter(out)
	rows := [][]string{{"check_id", "warehouse", "started_at", "class", "good_id", "assortment_id", "name", "expected", "actual", "difference", "documents", "note"}}
	for _, chk := range checks {
		head := []string{strconv.FormatInt(chk.ID, 10), chk.Warehouse, chk.StartedAt.UTC().Format(time.RFC3339)}
		if chk.Error != "" {
			rows = append(rows, append(head, "error", "", "", "", "", "", "", "", chk.Error))
		}
		for _, l := range chk.Lines {
			var docs []string
			for _, d := range l.Documents {
				status := d.Status
				if status == "" {
					status = "не прочитан"
				}
				docs = append(docs, fmt.Sprintf("%d %s %g %s %s", d.OutdocID, d.Type, d.Qnt, status, d.Role))
			}
			rows = append(rows, append(head, l.Class, l.GoodID, l.AssortmentID, l.Name, fmtQnt(l.Expected), fmtQnt(l.Actual),
				fmtQnt(l.Expected-l.Actual), strings.Join(docs, "; "), l.Note))
		}
	}
	if err := w.WriteAll(rows); err != nil {
		return fmt.Errorf("webhooks: stock check csv: %w", err)
	}
	return nil
}

func fmtQnt(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (s *Server) apiRunStockCheck(c echo.Context) error {
	queued, err := s.cfg.StockChecks.QueueStockCheck(c.Request().Context())
	if err != nil {
		return err
	}
	status := "queued"
	if !queued {
		status = "running"
	}
	return c.JSON(http.StatusAccepted, map[string]string{"status": status})
}

// stockView is a check as the page shows it.
type stockView struct {
	storage.StockCheck
	Started string
	Lines   []stockLineView
}

type stockLineView struct {
	storage.StockCheckLine
	ClassName, Difference string
	Docs                  []stockDocView
}

type stockDocView struct {
	storage.StockCheckDocument
	Created, State, RoleName string
}

var (
	classNames = map[string]string{storage.StockMatched: "совпадает", storage.StockInFlight: "в пути",
		storage.StockExplained: "объяснено", storage.StockUnexplained: "не объяснено"}
	outdocStates = map[string]string{"": "не прочитан skladflow", storage.OutdocNew: "прочитан, не применён",
		storage.OutdocApplied: "записан в МойСклад, не отмечен на складе", storage.OutdocLocked: "применён",
		storage.OutdocFailed: "ошибка, ждёт сотрудника", storage.OutdocRevert: "отменяется по запросу склада",
		storage.OutdocUndone: "отменён", storage.OutdocDeleted: "удалён складом"}
	roleNames = map[string]string{"in_flight": "в пути", "unmirrored": "skladflow не переносит такие документы",
		"applied": "учтён", "failed": "не применён"}
)

func stockViewOf(chk storage.StockCheck) stockView {
	v := stockView{StockCheck: chk, Started: chk.StartedAt.In(moscow).Format("02.01.2006 15:04")}
	for _, l := range chk.Lines {
		lv := stockLineView{StockCheckLine: l, ClassName: classNames[l.Class], Difference: fmtQnt(l.Expected - l.Actual)}
		for _, d := range l.Documents {
			lv.Docs = append(lv.Docs, stockDocView{StockCheckDocument: d, Created: d.CreatedAt.In(moscow).Format("02.01.2006 15:04:05"),
				State: outdocStates[d.Status], RoleName: roleNames[d.Role]})
		}
		v.Lines = append(v.Lines, lv)
	}
	return v
}

// uiStockCheck is «Сверка остатков»: the checks made, and the
// discrepancies of the latest of each warehouse (or of ?id=) with the
// documents that moved each good.
func (s *Server) uiStockCheck(c echo.Context) error {
	shown, err := s.stockChecksOf(c)
	if err != nil {
		return err
	}
	list, err := s.cfg.StockChecks.StockChecks(c.Request().Context(), "", 50)
	if err != nil {
		return err
	}
	var views, history []stockView
	for _, chk := range shown {
		views = append(views, stockViewOf(chk))
	}
	for _, chk := range list {
		history = append(history, stockViewOf(chk))
	}
	unlinked, err := s.unlinked(c.Request().Context())
	if err != nil {
		return err
	}
	flash := map[string]string{"queued": "Сверка поставлена в очередь: обновите страницу через минуту.",
		"running": "Сверка уже идёт: обновите страницу через минуту."}[c.QueryParam("run")]
	return s.render(c, "stockcheck.html", map[string]any{"Title": "Сверка остатков", "Checks": views, "History": history, "Flash": flash,
		"Unlinked": unlinkedViews(unlinked)})
}

func (s *Server) uiRunStockCheck(c echo.Context) error {
	queued, err := s.cfg.StockChecks.QueueStockCheck(c.Request().Context())
	if err != nil {
		return err
	}
	run := "queued"
	if !queued {
		run = "running"
	}
	return c.Redirect(http.StatusSeeOther, "/admin/stock-check?run="+run)
}
