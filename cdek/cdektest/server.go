// Package cdektest is an in-process emulator of the CDEK API v2 in the
// net/http/httptest style: OAuth client credentials with expiring tokens,
// asynchronous requests (a creation, deletion or refusal is ACCEPTED, then
// SUCCESSFUL or INVALID with CDEK-shaped errors, each listed on the order
// with its own state), look-ups, deletion while CREATED, refusal until
// final, statuses a test advances, and ORDER_STATUS pushes with one attempt
// and no resend (one per subscription, so a duplicate subscription
// duplicates them).
package cdektest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/skladflow/skladflow/cdek"
)

// Options configure the emulator.
type Options struct {
	// ClientID and ClientSecret are the accepted credentials. Default to
	// CDEK's published test pair.
	ClientID, ClientSecret string
	// TokenTTL is a token's lifetime. Defaults to 3599s, as CDEK's.
	TokenTTL time.Duration
	// Manual keeps every request on an order (creation, deletion, refusal)
	// ACCEPTED until Process is called; otherwise a request is processed on
	// the first GET of its order at least ProcessAfter after it was made.
	Manual bool
	// ProcessAfter is how long CDEK takes to process a request. Defaults to 0.
	ProcessAfter time.Duration
	// Offices are the CDEK office codes that exist; an order from or to
	// another one is INVALID. Defaults to MSK1, MSK123, NSK1, SPB7.
	Offices []string
}

type order struct {
	body cdek.Order
	env  cdek.Envelope // Requests: every request made on the order (cdek.md §2)
	at   []time.Time   // when each request was made, to process it after ProcessAfter
}

// Server is a running emulator.
type Server struct {
	opts Options
	srv  *httptest.Server

	mu      sync.Mutex
	tokens  map[string]time.Time
	orders  map[string]*order // by uuid
	byNum   map[string]string // our number → uuid
	hooks   []cdek.Webhook
	next    int64
	creates int
	pushes  []Push
	issued  int  // tokens issued
	lose    int  // pushes to lose
	dropAns bool // drop the answer to the next create
}

// Push is one ORDER_STATUS push sent.
type Push struct {
	URL    string
	Body   []byte
	Status int
	Err    string
}

// NewServer starts the emulator on 127.0.0.1.
func NewServer(opts Options) *Server {
	if opts.ClientID == "" {
		opts.ClientID, opts.ClientSecret = "wqGwiQx0gg8mLtiEKsUinjVSICCjtTEP", "RmAmgvSgSl1yirlz9QupbzOJVqhCxcP5"
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 3599 * time.Second
	}
	if len(opts.Offices) == 0 {
		opts.Offices = []string{"MSK1", "MSK123", "NSK1", "SPB7"}
	}
	s := &Server{opts: opts, tokens: map[string]time.Time{}, orders: map[string]*order{}, byNum: map[string]string{}, next: 1107000000}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/oauth/token", s.token)
	mux.HandleFunc("POST /v2/orders", s.auth(s.create))
	mux.HandleFunc("GET /v2/orders/{uuid}", s.auth(s.get))
	mux.HandleFunc("GET /v2/orders", s.auth(s.find))
	mux.HandleFunc("DELETE /v2/orders/{uuid}", s.auth(s.delete))
	mux.HandleFunc("POST /v2/orders/{uuid}/refusal", s.auth(s.refusal))
	mux.HandleFunc("GET /v2/webhooks", s.auth(s.listHooks))
	mux.HandleFunc("POST /v2/webhooks", s.auth(s.addHook))
	s.srv = httptest.NewServer(mux)
	return s
}

// Close stops the emulator.
func (s *Server) Close() { s.srv.Close() }

// URL is the API root, e.g. "http://127.0.0.1:PORT/v2".
func (s *Server) URL() string { return s.srv.URL + "/v2" }

// ClientID and ClientSecret are the accepted credentials.
func (s *Server) ClientID() string     { return s.opts.ClientID }
func (s *Server) ClientSecret() string { return s.opts.ClientSecret }

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, 400, map[string]string{"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"})
		return
	}
	if r.PostForm.Get("client_id") != s.opts.ClientID || r.PostForm.Get("client_secret") != s.opts.ClientSecret {
		writeJSON(w, 401, map[string]string{"error": "invalid_client", "error_description": "Bad credentials"})
		return
	}
	tok := "eyJ" + strings.ReplaceAll(newUUID(), "-", "")
	s.mu.Lock()
	s.tokens[tok] = time.Now().Add(s.opts.TokenTTL)
	s.issued++
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(s.opts.TokenTTL / time.Second),
		"scope": "order:all payment:all", "jti": newUUID()})
}

// ExpireTokens makes every issued token invalid, as if an hour had passed.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	s.tokens = map[string]time.Time{}
	s.mu.Unlock()
}

func (s *Server) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, ok := s.tokens[tok]
		s.mu.Unlock()
		if !ok || time.Now().After(exp) {
			writeJSON(w, 401, map[string]any{"requests": []cdek.Request{{Type: "AUTH", State: cdek.StateInvalid,
				Errors: []cdek.Problem{{Code: "v2_token_expired", Message: "Токен истек или недействителен"}}}}})
			return
		}
		next(w, r)
	}
}

// invalid answers 400 with the request INVALID and one CDEK-shaped problem.
func invalid(w http.ResponseWriter, typ, code, msg string) {
	writeJSON(w, 400, cdek.Envelope{Requests: []cdek.Request{request(typ, cdek.StateInvalid, cdek.Problem{Code: code, Message: msg})}})
}

func request(typ, state string, errs ...cdek.Problem) cdek.Request {
	return cdek.Request{RequestUUID: newUUID(), Type: typ, DateTime: cdek.Time{Time: time.Now().Truncate(time.Second)}, State: state, Errors: errs}
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var o cdek.Order
	if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
		invalid(w, cdek.RequestCreate, "v2_invalid_format", "Некорректный формат: "+err.Error())
		return
	}
	if o.TariffCode == 0 || len(o.Packages) == 0 {
		invalid(w, cdek.RequestCreate, "v2_field_is_empty", "Не заполнено обязательное поле tariff_code или packages")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creates++
	id := newUUID()
	ord := &order{body: o, env: cdek.Envelope{Entity: cdek.Entity{UUID: id, Type: o.Type, Number: o.Number, TariffCode: o.TariffCode}}}
	ask(ord, cdek.RequestCreate)
	ord.env.Entity.Statuses = []cdek.Status{{Code: cdek.StatusAccepted, Name: "Принят", DateTime: cdek.Time{Time: time.Now()}, City: "Офис СДЭК"}}
	s.orders[id] = ord
	if o.Number != "" {
		s.byNum[o.Number] = id
	}
	if s.dropAns {
		// The order exists, but its answer is lost on the way back.
		s.dropAns = false
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	writeJSON(w, 202, cdek.Envelope{Entity: cdek.Entity{UUID: id}, Requests: ord.env.Requests})
}

// validate runs CDEK's later validation of the order's CREATE request i;
// it runs under s.mu.
func (s *Server) validate(o *order, i int) {
	var problems []cdek.Problem
	if len(o.body.Recipient.Phones) == 0 {
		problems = append(problems, cdek.Problem{Code: "v2_field_is_empty", Message: "Не заполнено поле recipient.phones"})
	}
	if o.body.ShipmentPoint == "" && o.body.FromLocation == nil {
		problems = append(problems, cdek.Problem{Code: "v2_order_location_from_and_shipment_point_empty", Message: "Не указан ни адрес отправителя, ни пункт приёма"})
	}
	if o.body.DeliveryPoint == "" && o.body.ToLocation == nil {
		problems = append(problems, cdek.Problem{Code: "v2_order_location_to_and_delivery_point_empty", Message: "Не указан ни адрес получателя, ни пункт выдачи"})
	}
	if p := o.body.ShipmentPoint; p != "" && !slices.Contains(s.opts.Offices, p) {
		problems = append(problems, cdek.Problem{Code: "shipment_location_is_not_recognized", Message: "Пункт приёма " + p + " не найден"})
	}
	if p := o.body.DeliveryPoint; p != "" && !slices.Contains(s.opts.Offices, p) {
		problems = append(problems, cdek.Problem{Code: "delivery_location_is_not_recognized", Message: "Пункт выдачи " + p + " не найден"})
	}
	problems = append(problems, checkBody(o.body)...)
	if len(problems) > 0 {
		o.settle(i, cdek.StateInvalid, problems...)
		o.env.Entity.Statuses = append(o.env.Entity.Statuses, cdek.Status{Code: cdek.StatusInvalid, Name: "Некорректный заказ", DateTime: cdek.Time{Time: time.Now()}})
		return
	}
	s.next++
	o.env.Entity.CDEKNumber = cdek.Number(fmt.Sprint(s.next))
	o.settle(i, cdek.StateSuccessful)
	o.env.Entity.Statuses = append(o.env.Entity.Statuses, cdek.Status{Code: cdek.StatusCreated, Name: "Создан", DateTime: cdek.Time{Time: time.Now().Add(time.Second)}, City: "Офис СДЭК"})
}

// Process runs the pending processing of every request still ACCEPTED, on
// every order (Manual mode).
func (s *Server) Process() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.orders {
		s.process(o, time.Now())
	}
}

// answer shows an order as GET does, first processing the requests due;
// it runs under s.mu.
func (s *Server) answer(w http.ResponseWriter, o *order) {
	if !s.opts.Manual {
		s.process(o, time.Now().Add(-s.opts.ProcessAfter))
	}
	writeJSON(w, 200, o.env)
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[r.PathValue("uuid")]
	if !ok {
		invalid(w, "GET", "v2_entity_not_found", "Заказ не найден")
		return
	}
	s.answer(w, o)
}

// find looks an order up by our number or CDEK's (cdek.md §4.1). A search
// with neither is refused in the top-level errors[] shape of GET and list
// endpoints (§8).
func (s *Server) find(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	im, track := q.Get("im_number"), q.Get("cdek_number")
	if im == "" && track == "" {
		writeJSON(w, 400, map[string][]cdek.Problem{"errors": {{Code: "v2_parameters_empty",
			Message: "Не передан ни один параметр поиска: cdek_number или im_number"}}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[s.byNum[im]]
	if track != "" {
		o, ok = s.byTrack(track)
	}
	if !ok {
		invalid(w, "GET", "v2_entity_not_found_im_number", "Заказ с номером ИМ не найден")
		return
	}
	s.answer(w, o)
}

// byTrack finds an order by its CDEK number; it runs under s.mu.
func (s *Server) byTrack(track string) (*order, bool) {
	for _, o := range s.orders {
		if string(o.env.Entity.CDEKNumber) == track {
			return o, true
		}
	}
	return nil, false
}

// delete asks for the order's deletion: accepted at once, checked later
// (cdek.md §7: allowed only while the order is CREATED).
func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	s.takeRequest(w, r, cdek.RequestDelete)
}

func (s *Server) listHooks(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, 200, append([]cdek.Webhook{}, s.hooks...))
}

// addHook always adds: CDEK creates an additional subscription for a
// repeated call.
func (s *Server) addHook(w http.ResponseWriter, r *http.Request) {
	var h cdek.Webhook
	if err := json.NewDecoder(r.Body).Decode(&h); err != nil || h.URL == "" || h.Type == "" {
		invalid(w, cdek.RequestCreate, "v2_field_is_empty", "Не заполнены url или type")
		return
	}
	s.mu.Lock()
	h.UUID = newUUID()
	s.hooks = append(s.hooks, h)
	s.mu.Unlock()
	writeJSON(w, 200, cdek.Envelope{Entity: cdek.Entity{UUID: h.UUID}, Requests: []cdek.Request{request(cdek.RequestCreate, cdek.StateAccepted)}})
}

// Creates counts POST /v2/orders calls that were accepted.
func (s *Server) Creates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates
}

// Subscriptions lists the webhook subscriptions.
func (s *Server) Subscriptions() []cdek.Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]cdek.Webhook(nil), s.hooks...)
}

// Advance gives an order a new status and pushes it to every ORDER_STATUS
// subscription: one attempt each, no resend (CDEK's rule).
func (s *Server) Advance(uuid, code, name, city string) error {
	s.mu.Lock()
	o, ok := s.orders[uuid]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("cdektest: no order %s", uuid)
	}
	st := s.addStatus(o, cdek.Status{Code: code, Name: name, City: city})
	s.mu.Unlock()
	s.push(o, st)
	return nil
}

// addStatus appends a status later than every other; it runs under s.mu.
func (s *Server) addStatus(o *order, st cdek.Status) cdek.Status {
	last := time.Now()
	for _, x := range o.env.Entity.Statuses {
		if x.DateTime.After(last) {
			last = x.DateTime.Time
		}
	}
	st.DateTime = cdek.Time{Time: last.Add(time.Second).Truncate(time.Second)}
	o.env.Entity.Statuses = append(o.env.Entity.Statuses, st)
	return st
}

// push sends an ORDER_STATUS push to every subscription, once.
func (s *Server) push(o *order, st cdek.Status) {
	s.mu.Lock()
	var p cdek.StatusPush
	p.Type, p.DateTime, p.UUID = cdek.WebhookOrderStatus, st.DateTime, o.env.Entity.UUID
	p.Attributes.CDEKNumber, p.Attributes.Number, p.Attributes.Code = o.env.Entity.CDEKNumber, o.body.Number, st.Code
	p.Attributes.StatusDateTime, p.Attributes.CityName, p.Attributes.StatusReasonCode = st.DateTime, st.City, st.ReasonCode
	body, _ := json.Marshal(p)
	var urls []string
	for _, h := range s.hooks {
		if h.Type == cdek.WebhookOrderStatus {
			urls = append(urls, h.URL)
		}
	}
	s.mu.Unlock()
	for _, u := range urls {
		push := Push{URL: u, Body: body}
		s.mu.Lock()
		lost := s.lose > 0
		if lost {
			s.lose--
		}
		s.mu.Unlock()
		if lost {
			// One attempt, no resend: a lost push is gone for good.
			push.Err = "lost"
			s.mu.Lock()
			s.pushes = append(s.pushes, push)
			s.mu.Unlock()
			continue
		}
		resp, err := http.Post(u, "application/json", bytes.NewReader(body))
		if err != nil {
			push.Err = err.Error()
		} else {
			push.Status = resp.StatusCode
			resp.Body.Close()
		}
		s.mu.Lock()
		s.pushes = append(s.pushes, push)
		s.mu.Unlock()
	}
}

// refusal is the buyer's refusal ordered by the shop: accepted at once,
// checked later (cdek.md §7).
func (s *Server) refusal(w http.ResponseWriter, r *http.Request) {
	s.takeRequest(w, r, cdek.RequestCreateRefusal)
}

func final(code string) bool {
	switch code {
	case cdek.StatusDelivered, cdek.StatusNotDelivered, cdek.StatusRemoved, cdek.StatusInvalid:
		return true
	}
	return false
}

// Order returns the order as GET /v2/orders/{uuid} shows it.
func (s *Server) Order(uuid string) (cdek.Entity, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[uuid]
	if !ok {
		return cdek.Entity{}, false
	}
	return o.env.Entity, true
}

// Body returns the order as it was sent to POST /v2/orders.
func (s *Server) Body(uuid string) cdek.Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orders[uuid]; ok {
		return o.body
	}
	return cdek.Order{}
}

// OrderByNumber finds an order by our number.
func (s *Server) OrderByNumber(number string) (cdek.Entity, bool) {
	s.mu.Lock()
	id := s.byNum[number]
	s.mu.Unlock()
	return s.Order(id)
}

// LosePushes makes the next n pushes fail to connect (CDEK never resends).
func (s *Server) LosePushes(n int) {
	s.mu.Lock()
	s.lose += n
	s.mu.Unlock()
}

// DropNextCreateAnswer creates the next order but closes the connection
// instead of answering, as a crash or a network cut after the POST would.
func (s *Server) DropNextCreateAnswer() {
	s.mu.Lock()
	s.dropAns = true
	s.mu.Unlock()
}

// AddSubscription adds a subscription as a repeated POST /v2/webhooks
// would: CDEK keeps both, and each pushes.
func (s *Server) AddSubscription(url string) {
	s.mu.Lock()
	s.hooks = append(s.hooks, cdek.Webhook{UUID: newUUID(), URL: url, Type: cdek.WebhookOrderStatus})
	s.mu.Unlock()
}

// TokensIssued counts the tokens handed out.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// Pushes lists the pushes sent.
func (s *Server) Pushes() []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Push(nil), s.pushes...)
}
