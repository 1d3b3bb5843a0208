// Package moyskladtest is an in-process emulator of the MoySklad JSON API 1.2
// in the net/http/httptest style. It enforces what the real API enforces —
// Bearer auth, mandatory gzip, rate limits with the real headers and 429
// bodies (1049, 1073), partial PUT with positions replacement, the 4096
// character comment, positions (quantity > 0, one serial per unit of a
// serial-tracked line; products, variants and services as assortment),
// statuses per document type (11002), webhook
// subscriptions and delivery (requestId, 1500 ms, three immediate resends,
// none after a timeout, X-Lognex-WebHook-DisableByPrefix), templates and
// creates with syncId, stock per store moved by posted documents with the
// account's checkShippingStock (stock.go), customer orders linked to their
// demands (links.go), purchase returns, deletes, the current stock report
// weighing 5 units (report.go), a closed period (period.go), mass create
// and update with per-element answers (batch.go), lists filtered by id,
// expand only on pages of at most 100 and 1000 expanded positions
// (entities.go), the API disabled after a PUT flood (flood.go) — and its Go
// API lets a test act as a staff member: create and post documents, set a
// status (which fires the webhooks), set stock, close a period, read the
// document back, inject faults.
package moyskladtest

import (
	"compress/gzip"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/skladflow/skladflow/moysklad"
)

// Options configure the emulator.
type Options struct {
	// Token is the accepted Bearer token. Defaults to "test-token".
	Token string
	// APIUser is auditContext.uid of changes made through the HTTP API.
	// Defaults to "skladflow@test".
	APIUser string
	// StaffUser is auditContext.uid of changes made through the Go API.
	// Defaults to "staff@test".
	StaffUser string
	// RateLimit is the bucket in units per RateInterval (moysklad.md §5.3);
	// 0 means the default, < 0 no limit. Defaults to 45.
	RateLimit int
	// RequestWeight is the units one request takes: 1 for a solution
	// token, 3 for a user token since 2026-09-01, 4 from 2026-12-01.
	// Defaults to 1.
	RequestWeight int
	// RateInterval defaults to 3s.
	RateInterval time.Duration
	// MaxParallel is requests in flight before 429/1073. Defaults to 5.
	MaxParallel int
	// WebhookTimeout is how long a subscriber may take. Defaults to 1500ms.
	WebhookTimeout time.Duration
	// CheckShippingStock is the account setting "Запретить отгрузку
	// отсутствующих товаров" (companySettings.yaml: checkShippingStock):
	// posting a demand, purchasereturn or move that takes a store's stock
	// below zero is refused and nothing is saved (stock.go). Defaults to
	// false, as in a new account.
	CheckShippingStock bool
	// RefuseIDFilter makes a list refuse filter=id=…, as MoySklad answers
	// a filter it does not take (entities.go), so a client's fallback can be
	// tested. Defaults to false: the id filter works.
	RefuseIDFilter bool
	// DisableOnPutFlood disables the API for the user, as MoySklad does,
	// past 100 PUT requests to one entity within a minute: that PUT and
	// every request after it are answered 403 (flood.go). Defaults to
	// false: the PUTs are only counted (MaxPutsPerMinute).
	DisableOnPutFlood bool
	// Logger defaults to discarding.
	Logger *slog.Logger
}

// ProductSpec describes a product to add.
type ProductSpec struct {
	Name, Article, Code, ExternalCode string
	Barcodes                          []string // EAN-13
	Weight                            float64  // kg per unit, 0 = not filled
	// SerialTrackable keeps the product by serial numbers: its lines need
	// one serial per unit (isSerialTrackable).
	SerialTrackable bool
	// VAT is the rate in percent; nil keeps the fixture's 20. NoVAT sets
	// vatEnabled false («без НДС»).
	VAT   *int
	NoVAT bool
	// Weighed is a product sold by weight (weighed).
	Weighed bool
}

// DocumentSpec describes a document to create as staff.
type DocumentSpec struct {
	Name, Description               string
	Store, SourceStore, TargetStore string // store ids
	State                           string // status name, optional
	Positions                       []PositionSpec
	// Agent is the counterparty id, required for a demand or customer
	// order as in MoySklad.
	Agent string
	// ShipmentAddress is the delivery address of a demand or customer order.
	ShipmentAddress *moysklad.Address
	// Applicable posts the document as it is created; with
	// Options.CheckShippingStock a shipment of goods not in stock is then
	// refused and nothing is created. Defaults to false (a draft).
	Applicable bool
	// CustomerOrder links a demand or move to the customer order (id) it
	// ships, as "Создать на основании" does.
	CustomerOrder string
	// SalesChannel is a sales channel id (AddSalesChannel) of a customer
	// order or demand.
	SalesChannel string
}

// PositionSpec is one line of a new document.
type PositionSpec struct {
	ProductID string // a product, variant or service id
	Quantity  float64
	Price     float64 // kopecks
	// Discount is in percent (spec: discount).
	Discount float64
	// Reserve is the units reserved, on a customer order's line only
	// (customerOrderPosition.yaml: reserve).
	Reserve float64
	// Things are the serial numbers of a serial-tracked product's line:
	// exactly Quantity of them, as MoySklad requires.
	Things []string
}

// Fault makes the next Count matching requests fail.
type Fault struct {
	Method       string // "" matches any
	PathContains string // "" matches any
	Status       int
	Code         int
	Message      string
	Count        int
	RetryAfter   time.Duration // for 429: X-Lognex-Retry-After
}

// Request is one request the emulator answered.
type Request struct {
	Method, Path, RawQuery string
	Status                 int
	DisableByPrefix        []string
	Auth                   bool
	// Mass is a mass create and update (POST entity/{type} with an array,
	// batch.go) and Elements the array's length.
	Mass     bool
	Elements int
}

// Delivery is one attempt to deliver a notification.
type Delivery struct {
	RequestID string
	URL       string
	Body      []byte
	Attempt   int
	Status    int
	Err       string
	At        time.Time
}

type object = map[string]any

// Server is a running emulator.
type Server struct {
	opts    Options
	srv     *httptest.Server
	base    string
	account string
	client  *http.Client

	mu         sync.Mutex
	entities   map[string]map[string]object // type → id → entity
	order      map[string][]string
	positions  map[string][]object // "type/id" → rows
	components map[string][]any    // bundle id → its components
	states     map[string][]object // type → states
	attrs      map[string][]object // type → custom fields
	hooks      []object
	sent       map[string]notice // requestId → notification
	delivered  []Delivery
	faults     []Fault
	drops      []Fault // answers to lose after doing the work (drop.go)
	requests   []Request
	puts       map[string]int
	window     []charge
	inflight   int
	limited    int

	// massWrites counts successful mass-update elements per "type/id"
	// (batch.go); putTimes holds each entity's PUTs of the last minute,
	// maxPuts the most seen, apiDisabled the API switched off for a PUT
	// flood (flood.go). Under mu.
	massWrites  map[string]int
	putTimes    map[string][]time.Time
	maxPuts     int
	apiDisabled bool

	queue chan notice
	done  chan struct{}
	wg    sync.WaitGroup

	// stockBase is the stock staff set, per store and item; checkShipping
	// is the account's checkShippingStock (stock.go). Under mu.
	stockBase     map[stockKey]float64
	checkShipping bool
	// closedUntil closes the period before it, zero for none (period.go).
	// Under mu.
	closedUntil time.Time
}

type notice struct {
	requestID, url string
	body           []byte
}

// NewServer starts an emulator on 127.0.0.1.
func NewServer(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = "test-token"
	}
	if opts.APIUser == "" {
		opts.APIUser = "skladflow@test"
	}
	if opts.StaffUser == "" {
		opts.StaffUser = "staff@test"
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = 45
	}
	if opts.RequestWeight == 0 {
		opts.RequestWeight = 1
	}
	if opts.RateInterval == 0 {
		opts.RateInterval = 3 * time.Second
	}
	if opts.MaxParallel == 0 {
		opts.MaxParallel = 5
	}
	if opts.WebhookTimeout == 0 {
		opts.WebhookTimeout = 1500 * time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts: opts, account: newID(),
		client:   &http.Client{Timeout: opts.WebhookTimeout, Transport: &http.Transport{DialContext: dialLocalhost}},
		entities: map[string]map[string]object{}, order: map[string][]string{},
		positions: map[string][]object{}, components: map[string][]any{}, states: map[string][]object{}, attrs: map[string][]object{},
		sent: map[string]notice{}, puts: map[string]int{}, massWrites: map[string]int{}, putTimes: map[string][]time.Time{},
		queue: make(chan notice, 4096), done: make(chan struct{}),
	}
	s.stockBase, s.checkShipping = map[stockKey]float64{}, opts.CheckShippingStock
	s.srv = httptest.NewServer(s.routes())
	s.base = s.srv.URL + "/api/remap/1.2"
	s.wg.Add(1)
	go s.deliverLoop()
	return s
}

// Close stops the server and webhook delivery.
func (s *Server) Close() {
	close(s.done)
	s.wg.Wait()
	s.srv.Close()
}

// URL is the API root, e.g. "http://127.0.0.1:PORT/api/remap/1.2".
func (s *Server) URL() string { return s.base }

// Token is the accepted Bearer token.
func (s *Server) Token() string { return s.opts.Token }

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func now() string { return time.Now().In(moysklad.Moscow).Format(moysklad.MomentLayout) }

func (s *Server) meta(typ, id string) object {
	return object{
		"href":         s.base + "/entity/" + typ + "/" + id,
		"metadataHref": s.base + "/entity/" + typ + "/metadata",
		"type":         typ,
		"mediaType":    "application/json",
	}
}

// writeJSON answers gzip-compressed JSON, as MoySklad does.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("Content-Encoding", "gzip")
	w.WriteHeader(status)
	zw := gzip.NewWriter(w)
	_ = json.NewEncoder(zw).Encode(v)
	_ = zw.Close()
}

// apiError is one errors[] element, shaped like MoySklad's.
func apiError(code int, msg, param string) object {
	e := object{"error": msg, "code": code,
		"moreInfo": fmt.Sprintf("https://dev.moysklad.ru/doc/api/remap/1.2/#error_%d", code)}
	if param != "" {
		e["parameter"] = param
	}
	return e
}

func writeError(w http.ResponseWriter, status int, errs ...object) {
	writeJSON(w, status, object{"errors": errs})
}

// clone deep-copies a JSON value.
func clone[T any](v T) T {
	b, _ := json.Marshal(v)
	var out T
	_ = json.Unmarshal(b, &out)
	return out
}

// idOf returns the last path segment of a meta href.
func idOf(v any) string {
	m, _ := v.(object)
	meta, _ := m["meta"].(object)
	href, _ := meta["href"].(string)
	return href[strings.LastIndexByte(href, '/')+1:]
}
