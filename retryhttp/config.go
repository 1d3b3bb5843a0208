package retryhttp

import (
	"errors"
	"log/slog"
	"net/http"
	"time"
)

// Config configures a Client. A zero field takes its default.
type Config struct {
	// Peer names the service in log lines ("moysklad"). Defaults to the
	// request's host.
	Peer string
	// RetryMax is how many times one request is retried. Defaults to 5.
	RetryMax int
	// WaitMin bounds the first backoff. Defaults to 200ms.
	WaitMin time.Duration
	// WaitMax caps one backoff (not a wait the server asks for: only the
	// budget caps that). Defaults to 10s.
	WaitMax time.Duration
	// Budget bounds retrying of one call, from its start: no retry starts
	// after it, and a wait the server asks for that does not fit in it ends
	// the call at once. Longer outages are the caller's (a durable queue).
	// Defaults to 30s.
	Budget time.Duration
	// Timeout bounds one attempt. Defaults to 30s.
	Timeout time.Duration
	// ServerWait reads the wait a 429 or 503 answer asks for; ok is false
	// when it asks for none. Defaults to RetryAfter.
	ServerWait func(resp *http.Response) (wait time.Duration, ok bool)
	// HTTPClient is the base client; its Timeout is replaced by Timeout.
	// Defaults to a keep-alive client.
	HTTPClient *http.Client
	// Logger gets a debug line per retry and a warning per give-up, never a
	// URL path or query (they may hold secrets). Defaults to discarding.
	Logger *slog.Logger
}

// Validate checks the configuration; zero fields are valid (defaults).
func (c Config) Validate() error {
	var errs []error
	if c.RetryMax < 0 || c.WaitMin < 0 || c.WaitMax < 0 || c.Budget < 0 || c.Timeout < 0 {
		errs = append(errs, errors.New("retryhttp: RetryMax, waits, Budget and Timeout must not be negative"))
	}
	if c.WaitMin > 0 && c.WaitMax > 0 && c.WaitMin > c.WaitMax {
		errs = append(errs, errors.New("retryhttp: WaitMin must not exceed WaitMax"))
	}
	return errors.Join(errs...)
}

func (c *Config) setDefaults() {
	if c.RetryMax == 0 {
		c.RetryMax = 5
	}
	if c.WaitMin == 0 {
		c.WaitMin = 200 * time.Millisecond
	}
	if c.WaitMax == 0 {
		c.WaitMax = max(10*time.Second, c.WaitMin)
	}
	if c.Budget == 0 {
		c.Budget = 30 * time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	if c.ServerWait == nil {
		c.ServerWait = RetryAfter
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}
