// Package fboxtest is an in-process emulator of the FBox (BetaPRO WMS) JSON
// API in the net/http/httptest style. It enforces what FBox documents (Basic
// auth, success/error_code bodies, 1001 duplicates, one request at a time,
// rate limits with Retry-After, Moscow dates without an offset) and lets a
// test play the warehouse: receive a task's goods exactly, short, with
// surplus, a substitute, defects, nothing at all, or in parts; start
// picking a shipment task, pick it and ship it in pallets and boxes, short
// where told; take returned orders back, correct the inventory and move
// boxes to long storage and back. The stock is the sum of the documents'
// moves (stock.go).
package fboxtest

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skladflow/skladflow/fulfillment"
)

// Options configure the emulator.
type Options struct {
	// PartnerID is the accepted login. Defaults to "partner".
	PartnerID string
	// Password is the accepted password. Defaults to "secret".
	Password string
	// BusinessErrorStatus is the HTTP status of success:false business
	// errors (which one FBox uses is unconfirmed). Defaults to 200.
	BusinessErrorStatus int
	// RateLimit is the per-minute req_qnt quota per partner, kept as the
	// spec's token bucket (#rl_desc); 0 is unlimited. Defaults to 0.
	RateLimit int
	// ErrLimit is the per-minute err_qnt quota: 4xx answers, 429 included;
	// 0 is unlimited. Defaults to 0.
	ErrLimit int
	// PushURL receives a signed notification (Standard Webhooks) for every
	// new outgoing document, as a relay in front of FBox would send it.
	// Optional: FBox itself never pushes.
	PushURL string
	// PushKey signs pushes. Required with PushURL.
	PushKey []byte
	// Deliveries are the delivery services GET /settings lists and orders
	// may name (#delivery_desc). Defaults to DefaultDeliveries.
	Deliveries []fulfillment.Delivery
	// Ownerdeps are the customer's departments (#ownerdep_desc). Optional.
	Ownerdeps []fulfillment.Ownerdep
	// OutdocTypes turns optional outdoc types on from the start; the rest
	// are off until POST /settings turns them on. Optional.
	OutdocTypes []string
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// Logger defaults to discarding.
	Logger *slog.Logger
}

// Line is what arrived of one good.
type Line struct {
	GoodID    string
	Useful    int32
	Defective int32
}

// Fault makes the next Count matching requests fail.
type Fault struct {
	Method     string // "" matches any
	PathPrefix string // relative to the API root, e.g. "/indocs"
	HTTPStatus int    // defaults to BusinessErrorStatus for codes ≥ 1000, else Code
	Code       int
	Message    string
	Count      int
	RetryAfter time.Duration // for 429: Retry-After in seconds
}

// Request is one request the emulator answered.
type Request struct {
	Method, Path string
	Status       int
}

type outdoc struct {
	header fulfillment.OutdocHeader
	body   fulfillment.Supply
	raw    any // the body of a document that is not a goods_supply
	// moves is the stock the document moved (GET /outdocs/{id}/goods);
	// nil for a receipt, whose moves come from its goods.
	moves []fulfillment.GoodMove
	// reissue, when set, issues the document's correction once the client
	// unlocks it (fbox.md §8 "Corrections"); it takes s.mu itself.
	reissue func()
	// units are the serial movement of one of the warehouse's own stock
	// documents with the states of its units (units.go); nil for other
	// documents, whose serials arrive into stock.
	units []unitMove
}

// Server is a running emulator.
type Server struct {
	opts Options
	srv  *httptest.Server
	busy atomic.Bool

	mu       sync.Mutex
	cat      *catalogue // goods registered by POST /goods or inline by a supply task
	tasks    map[string]fulfillment.SupplyTask
	order    []string
	creates  map[string]int
	outdocs  map[int64]*outdoc
	nextID   int64
	faults   []Fault
	requests []Request
	pushes   []Push
	locks    int
	replace  map[int64][]Line // corrections waiting for the client to unlock
	unknown  []fulfillment.Unrecognized
	reqQ     quota
	errQ     quota
	errors   int
	serials  map[int64][]fulfillment.SerialMove // outdoc → serial numbers it moved
	// initialSerials are the initial units with serials (AddSerials).
	initialSerials map[string]stockKey
	outAttrs       map[int64]map[int]any // attributes clients set on outdocs
	ord            *orderBook            // customer orders, stock and settings (orders.go)
	ship           *shipments            // shipment tasks (shipment.go)
}

// NewServer starts an emulator on 127.0.0.1.
func NewServer(opts Options) *Server {
	if opts.PartnerID == "" {
		opts.PartnerID = "partner"
	}
	if opts.Password == "" {
		opts.Password = "secret"
	}
	if opts.BusinessErrorStatus == 0 {
		opts.BusinessErrorStatus = http.StatusOK
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, cat: newCatalogue(), tasks: map[string]fulfillment.SupplyTask{},
		creates: map[string]int{}, outdocs: map[int64]*outdoc{}, nextID: 1000, replace: map[int64][]Line{}}
	s.ord = newOrderBook(&s.opts)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /grh/api/indocs", s.createIndoc)
	mux.HandleFunc("GET /grh/api/indocs/{id}/json", s.getIndoc)
	mux.HandleFunc("DELETE /grh/api/indocs/{id}", s.deleteIndoc)
	mux.HandleFunc("POST /grh/api/outdocs/list", s.listOutdocs)
	mux.HandleFunc("GET /grh/api/outdocs/{id}", s.getOutdoc)
	mux.HandleFunc("GET /grh/api/outdocs/{id}/good_sn", s.getSerials)
	mux.HandleFunc("POST /grh/api/outdocs/{id}/attributes", s.setOutdocAttributes)
	mux.HandleFunc("GET /grh/api/outdocs/{id}/goods", s.getOutdocGoods)
	mux.HandleFunc("POST /grh/api/outdocs/lock", s.lockOutdocs)
	mux.HandleFunc("POST /grh/api/outdocs/check", s.checkOutdocs)
	mux.HandleFunc("GET /grh/api/goods/recognition", s.listUnrecognized)
	mux.HandleFunc("POST /grh/api/goods", s.setGoods)
	mux.HandleFunc("POST /grh/api/goods/list", s.listGoods)
	mux.HandleFunc("GET /grh/api/goods/{id}/info", s.goodInfo)
	mux.HandleFunc("POST /grh/api/goods/eans", s.setEANs)
	mux.HandleFunc("POST /grh/api/goods/eans/list", s.listEANs)
	mux.HandleFunc("POST /grh/api/goods/stock", s.goodsStock)
	mux.HandleFunc("POST /grh/api/goods/movements", s.goodMovements)
	mux.HandleFunc("POST /grh/api/orders", s.createOrders)
	mux.HandleFunc("POST /grh/api/orders/cancel", s.cancelOrders)
	mux.HandleFunc("GET /grh/api/orders/{id}/info", s.orderInfo)
	mux.HandleFunc("GET /grh/api/orders/{id}/json", s.orderJSON)
	mux.HandleFunc("GET /grh/api/settings", s.getSettings)
	mux.HandleFunc("POST /grh/api/settings", s.setSettings)
	s.srv = httptest.NewServer(s.guard(mux))
	return s
}

// Close stops the emulator.
func (s *Server) Close() { s.srv.Close() }

// URL is the API root, e.g. "http://127.0.0.1:PORT/grh/api".
func (s *Server) URL() string { return s.srv.URL + "/grh/api" }

// recorder remembers the status a handler answered.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

// guard enforces auth, one request at a time, rate limits and injected
// faults, and records every request.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		path := strings.TrimPrefix(r.URL.Path, "/grh/api")
		defer func() {
			s.mu.Lock()
			s.requests = append(s.requests, Request{Method: r.Method, Path: path, Status: rec.status})
			s.mu.Unlock()
			s.countError(rec.status)
		}()
		user, pass, ok := r.BasicAuth()
		if !ok {
			s.fail(rec, http.StatusUnauthorized, 401, "Отсутствует или неверно сформирован заголовок Authorization")
			return
		}
		if user != s.opts.PartnerID || pass != s.opts.Password {
			s.fail(rec, http.StatusForbidden, 403, "Неверный логин или пароль")
			return
		}
		if !s.busy.CompareAndSwap(false, true) {
			rec.Header().Set("Retry-After", "1")
			rec.Header().Set("X-RateLimit-Reset", "1")
			rec.Header().Set("X-RateLimit-Remaining", "0")
			s.fail(rec, http.StatusTooManyRequests, 429, "Превышен лимит concurrent_qnt на количество одновременных запросов. Выполните запрос через 1 секунд")
			return
		}
		defer s.busy.Store(false)
		reset, ok := s.limit(rec)
		if !ok {
			return
		}
		if f, ok := s.takeFault(r.Method, path); ok {
			status := f.HTTPStatus
			if status == 0 {
				status = f.Code
				if f.Code >= 1000 {
					status = s.opts.BusinessErrorStatus
				}
			}
			if f.RetryAfter > 0 {
				rec.Header().Set("Retry-After", fmt.Sprint(int(f.RetryAfter/time.Second)))
				rec.Header().Set("X-RateLimit-Reset", fmt.Sprint(int(f.RetryAfter/time.Second)))
				rec.Header().Set("X-RateLimit-Remaining", "0")
			}
			s.fail(rec, status, f.Code, f.Message)
			return
		}
		// #rl_desc: a successful answer says how long to wait before the
		// next request (0: at once); Remaining 1 means no quota is used up.
		rec.Header().Set("X-RateLimit-Reset", fmt.Sprint(reset))
		rec.Header().Set("X-RateLimit-Remaining", "1")
		next.ServeHTTP(rec, r)
	})
}

func (s *Server) takeFault(method, path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == method) && strings.HasPrefix(path, f.PathPrefix) {
			s.faults[i].Count--
			if s.faults[i].Count <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f, true
		}
	}
	return Fault{}, false
}

// FailNext makes the next f.Count matching requests fail with f.
func (s *Server) FailNext(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
}

// ClearFaults drops every injected fault: the warehouse is healthy again.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// Requests lists the requests answered so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// LockCalls counts POST /outdocs/lock calls that succeeded.
func (s *Server) LockCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.locks
}

func (s *Server) fail(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "error_code": code, "error_message": msg})
}

func (s *Server) business(w http.ResponseWriter, code int, msg string) {
	s.fail(w, s.opts.BusinessErrorStatus, code, msg)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func ok(w http.ResponseWriter, fields map[string]any) {
	body := map[string]any{"success": true}
	for k, v := range fields {
		body[k] = v
	}
	writeJSON(w, http.StatusOK, body)
}
