package webhooks

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/storage"
)

// The admin pages are server-rendered from templates and a stylesheet
// embedded in the binary: nothing to install, no framework.
//
//go:embed ui
var uiFiles embed.FS

var pages = template.Must(template.ParseFS(uiFiles, "ui/*.html"))

var moscow = time.FixedZone("MSK", 3*60*60)

type docView struct {
	documentJSON
	Kind, Age, Updated string
	// Partner and Ref are who has the document and under which number:
	// the warehouse and its task, or CDEK and its order.
	Partner, Ref string
}

func (s *Server) view(d storage.Document) docView {
	kind := map[string]string{"supply": "Приёмка", "move": "Перемещение", "demand": "Отгрузка", "customerorder": "Заказ покупателя"}[d.Type]
	if kind == "" {
		kind = d.Type
	}
	v := docView{documentJSON: s.toJSON(d), Kind: kind, Age: age(time.Since(d.UpdatedAt)),
		Updated: d.UpdatedAt.In(moscow).Format("02.01.2006 15:04:05"), Partner: d.Warehouse, Ref: d.IndocID}
	if dl := d.Delivery; dl.OrderNumber != "" {
		v.Partner, v.Ref = "СДЭК", dl.OrderNumber
		if dl.TrackNumber != "" {
			v.Ref = "№ " + dl.TrackNumber
		}
	}
	return v
}

func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "меньше минуты"
	case d < time.Hour:
		return d.Truncate(time.Minute).String()
	case d < 48*time.Hour:
		return d.Truncate(time.Hour).String()
	}
	return (d / (24 * time.Hour)).String() + " дн."
}

// render executes a page into memory first: a template error then still
// reaches the error handler (logged, 500) instead of cutting a page short
// after its 200.
func (s *Server) render(c echo.Context, name string, data map[string]any) error {
	data["CSRF"] = c.Get(csrfContextKey)
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("webhooks: render %s: %w", name, err)
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

func (s *Server) uiDocuments(c echo.Context) error {
	state, flow := c.QueryParam("state"), c.QueryParam("flow")
	docs, err := s.admin.Documents(c.Request().Context(), storage.DocumentFilter{Flow: flow, State: state, Limit: 500})
	if err != nil {
		return err
	}
	stuckOnly, errorsOnly := c.QueryParam("stuck") == "true", c.QueryParam("errors") == "true"
	minAge, _ := time.ParseDuration(c.QueryParam("older"))
	var views []docView
	for _, d := range docs {
		v := s.view(d)
		if (stuckOnly && !v.Stuck) || (errorsOnly && v.LastError == "") || time.Since(d.UpdatedAt) < minAge {
			continue
		}
		views = append(views, v)
	}
	return s.render(c, "documents.html", map[string]any{"Title": "Документы", "Docs": views, "States": fsm.States(),
		"State": state, "Flow": flow, "Flows": fsm.Names(), "Older": c.QueryParam("older"),
		"Ages":  [][2]string{{"", "любой давности"}, {"1h", "старше часа"}, {"24h", "старше суток"}, {"168h", "старше недели"}},
		"Stuck": stuckOnly, "Errors": errorsOnly})
}

type entryView struct{ At, Kind, Message, Detail string }

func (s *Server) uiDocument(c echo.Context) error {
	d, tl, err := s.documentAndTimeline(c)
	if err != nil {
		return err
	}
	entries := make([]entryView, len(tl))
	for i, e := range tl {
		entries[i] = entryView{At: e.At.In(moscow).Format("02.01 15:04:05.000"), Kind: string(e.Kind), Message: e.Message, Detail: strings.TrimSpace(e.Detail)}
	}
	flash := map[string]string{"retry": "Повтор поставлен в очередь.", "check": "Проверка поставлена в очередь."}[c.QueryParam("queued")]
	return s.render(c, "document.html", map[string]any{"Title": d.Name, "Doc": s.view(d), "Timeline": entries, "Flash": flash})
}

func (s *Server) uiAction(c echo.Context) error {
	ctx := c.Request().Context()
	typ, id, action := c.Param("type"), c.Param("id"), c.Param("action")
	var err error
	switch action {
	case "retry":
		err = s.admin.QueueRerun(ctx, typ, id)
	case "check":
		err = s.admin.QueueCheck(ctx, typ, id)
	default:
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such action"}
	}
	if err != nil {
		return notFoundOr(err)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/documents/"+typ+"/"+id+"?queued="+action)
}

type callView struct {
	Peer, Code string
	Count      float64
	Bad        bool
}

type jobView struct {
	State string
	Count float64
}

func (s *Server) uiHealth(c echo.Context) error {
	m := s.cfg.Metrics
	m.Registry.Refresh()
	var calls []callView
	m.OutboundCalls.Each(func(l []string, v float64) {
		calls = append(calls, callView{Peer: l[0], Code: l[1], Count: v, Bad: l[1] == "error" || l[1] == "429" || strings.HasPrefix(l[1], "5")})
	})
	var jobs []jobView
	m.Jobs.Each(func(l []string, v float64) { jobs = append(jobs, jobView{State: l[0], Count: v}) })
	return s.render(c, "health.html", map[string]any{"Title": "Состояние", "Calls": calls, "Jobs": jobs,
		"Disabled": m.DisabledWebhooks.Value(), "StuckCount": m.StuckDocuments.Value()})
}

func staticFiles() http.Handler {
	sub, _ := fs.Sub(uiFiles, "ui")
	return http.StripPrefix("/admin/static/", http.FileServer(http.FS(sub)))
}
