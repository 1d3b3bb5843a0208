package fulfillment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Client is an FBox JSON API client. It sends one request at a time, as the
// warehouse asks, and checks every answer's "success".
type Client struct {
	cfg  Config
	http *retryablehttp.Client
	one  sync.Mutex // one request in flight per partner

	requests, retries, rateLimited atomic.Int64
}

// Stats counts what the client did.
type Stats struct{ Requests, Retries, RateLimited int64 }

// NewClient builds a client.
func NewClient(cfg Config) (*Client, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg}
	base := *cfg.HTTPClient
	base.Timeout = cfg.Timeout
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &base
	rc.RetryMax = cfg.RetryMax
	rc.RetryWaitMin, rc.RetryWaitMax = cfg.RetryWaitMin, cfg.RetryWaitMax
	rc.CheckRetry = c.checkRetry
	rc.Backoff = c.backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	rc.Logger = cfg.Logger
	rc.RequestLogHook = func(_ retryablehttp.Logger, _ *http.Request, attempt int) {
		c.requests.Add(1)
		if attempt > 0 {
			c.retries.Add(1)
		}
	}
	c.http = rc
	return c, nil
}

// Stats returns counters since the client was made.
func (c *Client) Stats() Stats {
	return Stats{Requests: c.requests.Load(), Retries: c.retries.Load(), RateLimited: c.rateLimited.Load()}
}

type startKey struct{}

// checkRetry retries network errors, 5xx and 429 within the budget. A 429
// whose Retry-After does not fit the budget is returned at once: the
// durable job comes back later. Creating a task is safe to retry: its
// number is the idempotency key (a retry may answer 1001).
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	start, _ := ctx.Value(startKey{}).(time.Time)
	left := c.cfg.RetryBudget - time.Since(start)
	if left <= 0 {
		return false, err
	}
	if err != nil {
		return true, err
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		c.rateLimited.Add(1)
		return retryAfter(resp) <= left, nil
	case resp.StatusCode >= 500:
		return true, nil
	}
	return false, nil
}

func retryAfter(resp *http.Response) time.Duration {
	s, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		if d := retryAfter(resp); d > 0 {
			return d
		}
	}
	d := minWait << min(attempt, 16)
	if d <= 0 || d > maxWait {
		d = maxWait
	}
	return rand.N(d) + 1
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
	ctx = context.WithValue(ctx, startKey{}, time.Now())
	req, err := retryablehttp.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, payload)
	if err != nil {
		return fmt.Errorf("fbox: %s: %w", op, err)
	}
	req.SetBasicAuth(c.cfg.PartnerID, c.cfg.Password)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("fbox: %s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("fbox: %s: read: %w", op, err)
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
