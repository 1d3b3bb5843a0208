package fulfillment

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/skladflow/skladflow/retryhttp"
)

// Client is an FBox JSON API client. It sends one request at a time, as the
// warehouse asks, and checks every answer's "success".
type Client struct {
	cfg  Config
	http *retryhttp.Client
	pace *pacedTransport
	one  sync.Mutex // one request in flight per partner
}

// Stats counts what the client did. PacedWaits counts requests held back
// because the previous answer's X-RateLimit-Reset asked for a pause,
// BudgetWaits those held back to stay within the quota share.
type Stats struct{ Requests, Retries, RateLimited, PacedWaits, BudgetWaits int64 }

// NewClient builds a client.
func NewClient(cfg Config) (*Client, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	base := *cfg.HTTPClient
	pace := &pacedTransport{base: base.Transport}
	if cfg.QuotaShare > 0 {
		pace.budget = &budget{share: cfg.QuotaShare}
	}
	if pace.base == nil {
		pace.base = http.DefaultTransport
	}
	base.Transport = pace
	rc := cfg.retry()
	rc.HTTPClient = &base
	h, err := retryhttp.New(rc)
	if err != nil {
		return nil, fmt.Errorf("fulfillment: %w", err)
	}
	return &Client{cfg: cfg, http: h, pace: pace}, nil
}

// Stats returns counters since the client was made.
func (c *Client) Stats() Stats {
	s := c.http.Stats()
	st := Stats{Requests: s.Requests, Retries: s.Retries, RateLimited: s.RateLimited, PacedWaits: c.pace.waits.Load()}
	if c.pace.budget != nil {
		st.BudgetWaits = c.pace.budget.waits.Load()
	}
	return st
}

// envelope is the part every answer shares.
type envelope struct {
	Success      *bool  `json:"success"`
	ErrorCode    int    `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

// do sends one call and decodes a successful answer into out.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	op := method + " " + path
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("fbox: %s: encode: %w", op, err)
		}
	}
	c.one.Lock()
	defer c.one.Unlock()
	c.readQuotas(ctx)
	return c.send(ctx, op, method, path, payload, out)
}

// readQuotas reads the account's quotas when the budget needs them (it
// runs under c.one). A failed read is logged, not returned: the call goes
// on, paced by X-RateLimit-Reset alone until the next read.
func (c *Client) readQuotas(ctx context.Context) {
	b := c.pace.budget
	if b == nil || !b.stale(time.Now()) {
		return
	}
	var s Settings
	if err := c.send(ctx, "GET /settings", http.MethodGet, "/settings", nil, &s); err != nil {
		c.cfg.Logger.Warn("fbox quotas not read: requests are paced by X-RateLimit-Reset only", "err", err)
		b.set(time.Now(), nil)
		return
	}
	var q *Quota
	if s.RateLimits != nil {
		q = s.RateLimits.ReqQnt
	}
	if q == nil {
		q = &Quota{} // none given: nothing to budget until the next read
	}
	b.set(time.Now(), q)
}

// send sends one call (under c.one) and decodes a successful answer.
func (c *Client) send(ctx context.Context, op, method, path string, payload []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("fbox: %s: %w", op, err)
	}
	req.SetBasicAuth(c.cfg.PartnerID, c.cfg.Password)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// Every FBox call is safe to repeat: a read, a lock set to a given
	// state, or a task whose number is the idempotency key (a repeat may
	// answer 1001, which the caller compares).
	resp, err := c.http.DoIdempotent(req)
	if err != nil {
		return &TransportError{Op: op, Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return &TransportError{Op: op + ": read", Err: err}
	}
	var env envelope
	_ = json.Unmarshal(data, &env)
	if resp.StatusCode/100 != 2 || env.Success == nil || !*env.Success {
		e := &Error{HTTPStatus: resp.StatusCode, Code: env.ErrorCode, Message: env.ErrorMessage, Op: op}
		if e.Code == 0 && resp.StatusCode/100 != 2 {
			e.Code = resp.StatusCode
		}
		if e.Message == "" {
			e.Message = string(bytes.TrimSpace(data[:min(len(data), 200)]))
		}
		return e
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("fbox: %s: decode: %w", op, err)
		}
	}
	return nil
}

// CreateSupplyTask sends «Задание на оприходование». A number the warehouse
// already has answers an error matching ErrDuplicate.
func (c *Client) CreateSupplyTask(ctx context.Context, t SupplyTask) error {
	t.IndocType = IndocSupplyTask
	return c.do(ctx, http.MethodPost, "/indocs", t, nil)
}

// GetSupplyTask reads a task back as it was created.
func (c *Client) GetSupplyTask(ctx context.Context, indocID string) (*SupplyTask, error) {
	var out struct {
		Indoc SupplyTask `json:"indoc"`
	}
	if err := c.do(ctx, http.MethodGet, "/indocs/"+url.PathEscape(indocID)+"/json", nil, &out); err != nil {
		return nil, err
	}
	return &out.Indoc, nil
}

// DeleteIndoc deletes a task while the warehouse allows it.
func (c *Client) DeleteIndoc(ctx context.Context, indocID string) error {
	return c.do(ctx, http.MethodDelete, "/indocs/"+url.PathEscape(indocID), nil, nil)
}

// ListOutdocs lists outgoing documents, following pages to the end.
func (c *Client) ListOutdocs(ctx context.Context, f OutdocFilter) ([]OutdocHeader, error) {
	var all []OutdocHeader
	for {
		var page struct {
			PageNextToken string         `json:"page_next_token"`
			Items         []OutdocHeader `json:"items"`
		}
		if err := c.do(ctx, http.MethodPost, "/outdocs/list", f, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.PageNextToken == "" {
			return all, nil
		}
		f.PageToken = page.PageNextToken
	}
}

// GetSupply reads a goods_supply document.
func (c *Client) GetSupply(ctx context.Context, outdocID int64) (*Supply, error) {
	var s Supply
	if err := c.do(ctx, http.MethodGet, "/outdocs/"+strconv.FormatInt(outdocID, 10), nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// GetOutdoc reads any outgoing document's body as it is sent.
func (c *Client) GetOutdoc(ctx context.Context, outdocID int64) ([]byte, error) {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodGet, "/outdocs/"+strconv.FormatInt(outdocID, 10), nil, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// SetOutdocAttributes writes attributes of an outgoing document (POST
// /outdocs/{id}/attributes, body indoc_attr_set_req): in shared reading,
// attribute 657 tells the customer's other systems what skladflow did.
func (c *Client) SetOutdocAttributes(ctx context.Context, outdocID int64, attrs ...Attribute) error {
	body := struct {
		Attributes []Attribute `json:"attributes"`
	}{attrs}
	return c.do(ctx, http.MethodPost, "/outdocs/"+strconv.FormatInt(outdocID, 10)+"/attributes", body, nil)
}

// LockOutdocs marks documents imported (lock) or gives them back (unlock).
func (c *Client) LockOutdocs(ctx context.Context, lock bool, ids ...int64) error {
	type item struct {
		OutdocID int64 `json:"outdoc_id"`
		Lock     bool  `json:"lock"`
	}
	body := struct {
		Outdocs []item `json:"outdocs"`
	}{}
	for _, id := range ids {
		body.Outdocs = append(body.Outdocs, item{OutdocID: id, Lock: lock})
	}
	return c.do(ctx, http.MethodPost, "/outdocs/lock", body, nil)
}

// CheckOutdocs returns the ids among ids the warehouse has deleted.
func (c *Client) CheckOutdocs(ctx context.Context, ids ...int64) ([]int64, error) {
	var out struct {
		Missing []int64 `json:"missing_outdoc_ids"`
	}
	err := c.do(ctx, http.MethodPost, "/outdocs/check", map[string][]int64{"outdoc_ids": ids}, &out)
	return out.Missing, err
}

// ParseSupply reads a goods_supply body.
func ParseSupply(b []byte) (*Supply, error) {
	var s Supply
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("fulfillment: goods_supply: %w", err)
	}
	if s.OutdocType != "" && s.OutdocType != OutdocSupply {
		return nil, fmt.Errorf("fulfillment: outdoc_type %q is not %s", s.OutdocType, OutdocSupply)
	}
	return &s, nil
}
