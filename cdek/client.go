package cdek

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/skladflow/skladflow/retryhttp"
)

// Client talks to CDEK with a cached OAuth token, renewed before it
// expires and once more when CDEK answers 401. Reads and deletions are
// retried in-process; a POST only after 429, as CDEK has no idempotency
// key (a repeated order creation could create a second order).
type Client struct {
	cfg  Config
	http *retryhttp.Client
	now  func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// NewClient builds a client.
func NewClient(cfg Config) (*Client, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h, err := retryhttp.New(cfg.retry())
	if err != nil {
		return nil, fmt.Errorf("cdek: %w", err)
	}
	return &Client{cfg: cfg, http: h, now: time.Now}, nil
}

// do sends a call with the token; on 401 it renews the token once.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	op := method + " " + path
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("cdek: %s: %w", op, err)
		}
	}
	ctx = c.http.Begin(ctx) // the token request and a repeat after 401 share the budget
	for attempt := 0; ; attempt++ {
		token, err := c.accessToken(ctx, attempt > 0)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, bytes.NewReader(payload))
		if err != nil {
			return fmt.Errorf("cdek: %s: %w", op, err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.http.Do(req)
		if err != nil {
			return &TransportError{Op: op, Err: err}
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		resp.Body.Close()
		if err != nil {
			return &TransportError{Op: op + ": read", Err: err}
		}
		if resp.StatusCode == http.StatusUnauthorized && attempt == 0 {
			continue // the token expired early: one more try with a new one
		}
		var ans answer
		_ = json.Unmarshal(data, &ans)
		refused := ans.refused(method == http.MethodGet)
		if resp.StatusCode/100 != 2 || len(refused) > 0 {
			e := &Error{Status: resp.StatusCode, Op: op, Problems: ans.Errors}
			for _, r := range refused {
				e.Problems = append(e.Problems, r.Errors...)
			}
			return e
		}
		if out != nil {
			if err := json.Unmarshal(data, out); err != nil {
				return fmt.Errorf("cdek: %s: decode: %w", op, err)
			}
		}
		return nil
	}
}

// answer is any CDEK answer body: an envelope, or the top-level errors[]
// GET and list endpoints answer HTTP 400 with (cdek.md §8).
type answer struct {
	Envelope
	Errors []Problem `json:"errors"`
}

// refused are the requests that make the call fail: CDEK reports a refused
// request in the body, whatever the HTTP status. An order read lists every
// request ever made on the order, each with its own state (cdek.md §2,
// §4): only its CREATE decides whether the order exists; a later request
// refused (UPDATE, DELETE, CREATE_REFUSAL…) says nothing of the order and
// is left to the caller, who reads it from the envelope.
func (a answer) refused(read bool) []Request {
	var out []Request
	for _, r := range a.Requests {
		if r.State == StateInvalid && (!read || !later(r.Type)) {
			out = append(out, r)
		}
	}
	return out
}

// later: a request made on an order after its creation. The others in a
// read's answer are its CREATE and the read itself (GET, AUTH).
func later(typ string) bool {
	switch typ {
	case RequestCreate, "GET", "AUTH":
		return false
	}
	return true
}

// CreateOrder sends an order. CDEK answers ACCEPTED at once; the order
// exists only when GetOrder shows the request SUCCESSFUL and a CDEK number.
func (c *Client) CreateOrder(ctx context.Context, o Order) (*Envelope, error) {
	var env Envelope
	if err := c.do(ctx, http.MethodPost, "/orders", o, &env); err != nil {
		return nil, err
	}
	return &env, nil
}

// GetOrder reads an order by its uuid. A creation refused after ACCEPTED
// is returned as an *Error with CDEK's problems; a later request refused
// (a deletion, a refusal) is not: it is listed INVALID in the envelope,
// with its errors (Envelope.Latest).
func (c *Client) GetOrder(ctx context.Context, uuid string) (*Envelope, error) {
	var env Envelope
	if err := c.do(ctx, http.MethodGet, "/orders/"+url.PathEscape(uuid), nil, &env); err != nil {
		return nil, err
	}
	return &env, nil
}

// FindOrder looks an order up by our number; ErrNotFound when CDEK has none.
// Look-up before create makes a retry after a crash never create twice.
func (c *Client) FindOrder(ctx context.Context, number string) (*Envelope, error) {
	var env Envelope
	if err := c.do(ctx, http.MethodGet, "/orders?im_number="+url.QueryEscape(number), nil, &env); err != nil {
		return nil, err
	}
	return &env, nil
}

// DeleteOrder asks CDEK to delete an order. The answer is only ACCEPTED:
// CDEK checks later (allowed only while the order is CREATED, no cargo
// movement yet) and GetOrder shows the DELETE request's outcome and the
// order REMOVED (cdek.md §7).
func (c *Client) DeleteOrder(ctx context.Context, uuid string) (*Envelope, error) {
	var env Envelope
	if err := c.do(ctx, http.MethodDelete, "/orders/"+url.PathEscape(uuid), nil, &env); err != nil {
		return nil, err
	}
	return &env, nil
}

// Refuse orders the parcel back to the shop (the buyer's refusal). The
// answer is only ACCEPTED: CDEK checks later (allowed until the order is
// DELIVERED or NOT_DELIVERED) and GetOrder shows the CREATE_REFUSAL
// request's outcome (cdek.md §7).
func (c *Client) Refuse(ctx context.Context, uuid string) (*Envelope, error) {
	var env Envelope
	if err := c.do(ctx, http.MethodPost, "/orders/"+url.PathEscape(uuid)+"/refusal", nil, &env); err != nil {
		return nil, err
	}
	return &env, nil
}

// Webhooks lists the subscriptions.
func (c *Client) Webhooks(ctx context.Context) ([]Webhook, error) {
	var out []Webhook
	err := c.do(ctx, http.MethodGet, "/webhooks", nil, &out)
	return out, err
}

// Subscribe adds an ORDER_STATUS subscription unless the same one exists:
// CDEK creates an additional subscription for a repeated call, and every
// subscription delivers its own copy of each push.
func (c *Client) Subscribe(ctx context.Context, hookURL string) (created bool, err error) {
	hooks, err := c.Webhooks(ctx)
	if err != nil {
		return false, err
	}
	for _, h := range hooks {
		if h.Type == WebhookOrderStatus && h.URL == hookURL {
			return false, nil
		}
	}
	return true, c.do(ctx, http.MethodPost, "/webhooks", Webhook{URL: hookURL, Type: WebhookOrderStatus}, nil)
}
