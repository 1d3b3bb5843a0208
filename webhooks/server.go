// Package webhooks is skladflow's HTTP edge: it receives MoySklad
// notifications, warehouse pushes and CDEK callbacks, stores them
// durably and answers at once. No network call happens on that path: the
// work is done by jobs. echo stays inside this package.
package webhooks

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/skladflow/skladflow/metrics"
	"github.com/skladflow/skladflow/storage"
)

// Inbox is where notifications go: durably, with their jobs.
type Inbox interface {
	Accept(ctx context.Context, n storage.Notification) (storage.Accepted, error)
}

// Config configures the edge.
type Config struct {
	// MoySkladSecret is the secret path segment of /hooks/moysklad/{secret}.
	// Required.
	MoySkladSecret string
	// IntegrationUID is the MoySklad login skladflow writes as; events it
	// caused are dropped. Optional.
	IntegrationUID string
	// DocumentTypes are the MoySklad entity types worth storing; events of
	// other types are acknowledged and dropped. Defaults to supply and move.
	DocumentTypes []string
	// AssortmentTypes are the MoySklad goods types (product, variant) whose
	// changes keep the warehouses' cards current. Defaults to none.
	AssortmentTypes []string
	// BodyLimit is the largest accepted body, in bytes. MoySklad does not
	// say how many events one notification carries (moysklad.md §2.2): a
	// bulk status change of thousands of documents fits. Defaults to 16 MiB.
	BodyLimit int64
	// AdminUser and AdminPassword guard the operator's API under /api.
	// Without a password the API is off. AdminUser defaults to "admin".
	AdminUser, AdminPassword string
	// StuckAfter marks a document stuck when it has stayed in a non-final
	// state longer. Defaults to 2h.
	StuckAfter time.Duration
	// Metrics receives the edge's counters and is served at /metrics.
	// Defaults to a private set.
	Metrics *metrics.Set
	// WarehouseKeys are the Standard Webhooks keys of the warehouses that
	// push, by warehouse name; a warehouse without one has no push route.
	// Defaults to none.
	WarehouseKeys map[string][]byte
	// CDEKSecret is the secret path segment of /hooks/cdek/{secret}.
	// Optional: without it the route answers 404.
	CDEKSecret string
	// Orders finds the document of a CDEK order. Required with CDEKSecret.
	Orders Orders
	// StockChecks is the parity report, shown under /admin/stock-check and
	// /api/stock-check. Optional: without it those routes answer 404.
	StockChecks StockChecks
	// UnlinkedReturns lists returns booked without an order, shown on the
	// stock check page and under /api/unlinked-returns. Optional.
	UnlinkedReturns UnlinkedReturns
	// StoreTimeout bounds the durable write of a notification, so the answer
	// comes within MoySklad's 1500 ms. Defaults to 1s.
	StoreTimeout time.Duration
	// PushStoreTimeout does the same for CDEK's and the warehouses' pushes,
	// whose senders wait longer: CDEK 15 s (3 s in its older docs, cdek.md
	// §6.3), Standard Webhooks 15–30 s (fbox.md §10). Defaults to 2.5s.
	PushStoreTimeout time.Duration
	// Ready reports whether the service can take work (database reachable).
	// Defaults to always ready.
	Ready func(context.Context) error
	// ReadyTimeout bounds Ready: a database host that stopped answering
	// (a network partition) leaves a ping waiting for TCP to give up, and
	// a probe must learn "not ready", not time out itself while
	// goroutines pile up. Defaults to 2s.
	ReadyTimeout time.Duration
	// Logger defaults to discarding.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if len(c.DocumentTypes) == 0 {
		c.DocumentTypes = []string{"supply", "move"}
	}
	if c.BodyLimit == 0 {
		c.BodyLimit = 16 << 20
	}
	if c.Metrics == nil {
		c.Metrics = metrics.NewSet()
	}
	if c.AdminUser == "" {
		c.AdminUser = "admin"
	}
	if c.StuckAfter == 0 {
		c.StuckAfter = 2 * time.Hour
	}
	if c.StoreTimeout == 0 {
		c.StoreTimeout = time.Second
	}
	if c.PushStoreTimeout == 0 {
		c.PushStoreTimeout = 2500 * time.Millisecond
	}
	if c.Ready == nil {
		c.Ready = func(context.Context) error { return nil }
	}
	if c.ReadyTimeout == 0 {
		c.ReadyTimeout = 2 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

func (c *Config) validate() error {
	if c.MoySkladSecret == "" {
		return errors.New("webhooks: MoySkladSecret is required")
	}
	if c.CDEKSecret != "" && c.Orders == nil {
		return errors.New("webhooks: Orders is required with CDEKSecret")
	}
	if c.ReadyTimeout < 0 {
		return errors.New("webhooks: ReadyTimeout must not be negative")
	}
	return nil
}

// Server is the HTTP edge.
type Server struct {
	cfg   Config
	inbox Inbox
	admin Admin
	echo  *echo.Echo
	types map[string]bool
	goods map[string]bool
	pages *template.Template // the admin's; a test may swap them
}

// New builds the edge. admin may be nil: no operator API.
func New(cfg Config, inbox Inbox, admin Admin) (*Server, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, inbox: inbox, echo: echo.New(), types: map[string]bool{}, goods: map[string]bool{}, pages: pages}
	for _, t := range cfg.DocumentTypes {
		s.types[t] = true
	}
	for _, t := range cfg.AssortmentTypes {
		s.goods[t] = true
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.Recover())
	e.POST("/hooks/moysklad/:secret", s.moysklad)
	e.POST("/hooks/fulfillment/:warehouse", s.fulfillment)
	e.POST("/hooks/cdek/:secret", s.cdek)
	e.GET("/healthz", s.healthz)
	e.GET("/metrics", echo.WrapHandler(cfg.Metrics.Registry))
	if admin != nil && cfg.AdminPassword != "" {
		s.admin = admin
		// See csrf.go for why /api needs no token.
		api := e.Group("/api", sameOrigin, s.adminAuth)
		api.GET("/documents", s.apiDocuments)
		api.GET("/documents/:type/:id", s.apiDocument)
		api.POST("/documents/:type/:id/retry", s.apiRetry)
		ui := e.Group("/admin", sameOrigin, s.adminAuth, formToken())
		ui.GET("", s.uiDocuments)
		ui.GET("/", s.uiDocuments)
		ui.GET("/documents/:type/:id", s.uiDocument)
		ui.POST("/documents/:type/:id/:action", s.uiAction)
		ui.GET("/health", s.uiHealth)
		ui.GET("/static/*", echo.WrapHandler(staticFiles()))
		if cfg.StockChecks != nil {
			s.stockCheckRoutes(api, ui)
		}
		api.GET("/unlinked-returns", s.apiUnlinkedReturns)
	}
	e.GET("/readyz", s.readyz)
	return s, nil
}

// Handler is the edge as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.ReadyTimeout)
	defer cancel()
	if err := s.cfg.Ready(ctx); err != nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "not_ready", Message: "database unavailable", cause: err}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
