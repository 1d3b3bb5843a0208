package cdek

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the API root. Defaults to "https://api.cdek.ru/v2".
	BaseURL string
	// ClientID is the integration account. Required.
	ClientID string
	// ClientSecret is the integration password. Required.
	ClientSecret string
	// Timeout bounds one request. Defaults to 30s.
	Timeout time.Duration
	// HTTPClient is the base client. Defaults to a keep-alive client.
	HTTPClient *http.Client
	// Logger defaults to discarding.
	Logger *slog.Logger
}

// Client talks to CDEK with a cached OAuth token, renewed before it
// expires and once more when CDEK answers 401.
type Client struct {
	cfg  Config
	http *http.Client
	now  func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// NewClient builds a client.
func NewClient(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://api.cdek.ru/v2"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("cdek: ClientID and ClientSecret are required")
	}
	h := &http.Client{Timeout: cfg.Timeout}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		c.Timeout = cfg.Timeout
		h = &c
	}
	return &Client{cfg: cfg, http: h, now: time.Now}, nil
}

// ErrNotFound means CDEK has no such order.
var ErrNotFound = errors.New("cdek: not found")

// Error is a CDEK answer with an INVALID request or an HTTP error.
type Error struct {
	Status   int
	Op       string
	Problems []Problem
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Code + ": " + p.Message
	}
	return fmt.Sprintf("cdek: %s: HTTP %d: %s", e.Op, e.Status, strings.Join(parts, "; "))
}

// HasCode reports whether CDEK named the error code.
func (e *Error) HasCode(code string) bool {
	for _, p := range e.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

func (e *Error) Is(target error) bool {
	if target != ErrNotFound {
		return false
	}
	for _, p := range e.Problems {
		if strings.HasPrefix(p.Code, "v2_entity_not_found") {
			return true
		}
	}
	return e.Status == http.StatusNotFound
}

// accessToken returns a valid token, asking CDEK for one when the cached
// one expires within a minute.
func (c *Client) accessToken(ctx context.Context, renew bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !renew && c.token != "" && c.now().Before(c.expires.Add(-time.Minute)) {
		return c.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.cfg.ClientID}, "client_secret": {c.cfg.ClientSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("cdek: token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("cdek: token: %w", stripURL(err))
	}
	defer resp.Body.Close()
	var t struct {
		AccessToken      string `json:"access_token"`
		ExpiresIn        int    `json:"expires_in"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&t)
	if resp.StatusCode != http.StatusOK || t.AccessToken == "" {
		return "", &Error{Status: resp.StatusCode, Op: "POST /oauth/token", Problems: []Problem{{Code: t.Error, Message: t.ErrorDescription}}}
	}
	c.token, c.expires = t.AccessToken, c.now().Add(time.Duration(t.ExpiresIn)*time.Second)
	return c.token, nil
}

func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
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
			return fmt.Errorf("cdek: %s: %w", op, stripURL(err))
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("cdek: %s: %w", op, err)
		}
		if resp.StatusCode == http.StatusUnauthorized && attempt == 0 {
			continue // the token expired early: one more try with a new one
		}
		var env Envelope
		_ = json.Unmarshal(data, &env)
		if resp.StatusCode/100 != 2 || invalid(env) {
			e := &Error{Status: resp.StatusCode, Op: op}
			for _, r := range env.Requests {
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

// invalid: CDEK reports a refused request in the body, whatever the status.
func invalid(env Envelope) bool {
	for _, r := range env.Requests {
		if r.State == StateInvalid {
			return true
		}
	}
	return false
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
// is returned as an *Error with CDEK's problems.
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

// DeleteOrder deletes an order; CDEK allows it only while the order is
// CREATED (no cargo movement yet).
func (c *Client) DeleteOrder(ctx context.Context, uuid string) (*Envelope, error) {
	var env Envelope
	if err := c.do(ctx, http.MethodDelete, "/orders/"+url.PathEscape(uuid), nil, &env); err != nil {
		return nil, err
	}
	return &env, nil
}

// Refuse orders the parcel back to the shop (the buyer's refusal): CDEK
// allows it until the order is DELIVERED or NOT_DELIVERED.
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
		if h.Type == "ORDER_STATUS" && h.URL == hookURL {
			return false, nil
		}
	}
	return true, c.do(ctx, http.MethodPost, "/webhooks", Webhook{URL: hookURL, Type: "ORDER_STATUS"}, nil)
}
