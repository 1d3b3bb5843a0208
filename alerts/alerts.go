// Package alerts tells support at once when a peer is unavailable, a
// document is stuck or MoySklad disabled a webhook — one message when a
// problem starts and one when it ends, never a stream.
package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/skladflow/skladflow/retryhttp"
)

// Formats of the alert target.
const (
	FormatJSON     = "json"     // {"key","status":"firing"|"resolved","text","at"}
	FormatTelegram = "telegram" // Bot API sendMessage body: {"chat_id","text"}
)

// Config configures alerting.
type Config struct {
	// URL receives a POST per message; for Telegram,
	// https://api.telegram.org/bot<token>/sendMessage. Empty: alerts off.
	URL string
	// Format is json or telegram. Defaults to json.
	Format string
	// ChatID is the Telegram chat. Required with the telegram format.
	ChatID string
	// MinInterval is the least time between two messages about one problem,
	// so a flapping peer does not flood the chat. Defaults to 15m.
	MinInterval time.Duration
	// Logger defaults to discarding.
	Logger *slog.Logger
}

// Alerter sends deduplicated, rate-limited alerts.
type Alerter struct {
	cfg    Config
	client *retryhttp.Client
	now    func() time.Time

	mu     sync.Mutex
	firing map[string]bool
	silent map[string]bool // firing again within MinInterval: no message either way
	last   map[string]time.Time
}

// New builds an alerter; with no URL it only logs.
func New(cfg Config) (*Alerter, error) {
	if cfg.Format == "" {
		cfg.Format = FormatJSON
	}
	if cfg.MinInterval == 0 {
		cfg.MinInterval = 15 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Format != FormatJSON && cfg.Format != FormatTelegram {
		return nil, fmt.Errorf("alerts: format %q: want json or telegram", cfg.Format)
	}
	if cfg.Format == FormatTelegram && cfg.ChatID == "" {
		return nil, errors.New("alerts: the telegram format needs a chat id")
	}
	// A few quick retries: one failed POST must not lose the alert, and a
	// slow target must not hold the watcher for long.
	client, err := retryhttp.New(retryhttp.Config{Peer: "alerts", RetryMax: 3, WaitMin: 200 * time.Millisecond,
		WaitMax: 2 * time.Second, Budget: 10 * time.Second, Timeout: 5 * time.Second, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	return &Alerter{cfg: cfg, client: client, now: time.Now,
		firing: map[string]bool{}, silent: map[string]bool{}, last: map[string]time.Time{}}, nil
}

// Firing reports whether a problem is open.
func (a *Alerter) Firing(key string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.firing[key]
}

// Raise opens a problem: the first call sends text, later ones send nothing
// until the problem is resolved.
func (a *Alerter) Raise(ctx context.Context, key, text string) {
	a.transition(ctx, key, true, "⚠️ "+text)
}

// Resolve closes an open problem with a recovery message; for a problem not
// open it does nothing.
func (a *Alerter) Resolve(ctx context.Context, key, text string) {
	a.transition(ctx, key, false, "✅ "+text)
}

func (a *Alerter) transition(ctx context.Context, key string, firing bool, text string) {
	a.mu.Lock()
	if a.firing[key] == firing {
		a.mu.Unlock()
		return
	}
	now := a.now()
	if firing && now.Sub(a.last[key]) < a.cfg.MinInterval || !firing && a.silent[key] {
		// A problem that came back within the interval is the same outage:
		// its start and its end stay quiet.
		a.firing[key], a.silent[key] = firing, firing
		a.mu.Unlock()
		return
	}
	a.firing[key], a.last[key] = firing, now
	a.mu.Unlock()
	status := "resolved"
	if firing {
		status = "firing"
	}
	a.cfg.Logger.Warn("alert", "key", key, "status", status, "text", text)
	if a.cfg.URL == "" {
		return
	}
	if err := a.send(ctx, key, status, text, now); err != nil {
		a.cfg.Logger.Error("alert not delivered", "key", key, "err", err)
	}
}

func (a *Alerter) send(ctx context.Context, key, status, text string, at time.Time) error {
	var body any = map[string]any{"key": key, "status": status, "text": text, "at": at.UTC().Format(time.RFC3339)}
	if a.cfg.Format == FormatTelegram {
		body = map[string]any{"chat_id": a.cfg.ChatID, "text": text}
	}
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.URL, bytes.NewReader(b))
	if err != nil {
		return errors.New("alerts: bad URL") // the URL may hold a bot token: never echo it
	}
	req.Header.Set("Content-Type", "application/json")
	// A duplicate alert is better than a lost one: repeat after any
	// failure. The error carries no URL (it may hold a bot token).
	resp, err := a.client.DoIdempotent(req)
	if err != nil {
		return fmt.Errorf("alerts: target unreachable: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("alerts: target answered HTTP %d", resp.StatusCode)
	}
	return nil
}
