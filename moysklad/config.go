package moysklad

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/skladflow/skladflow/retryhttp"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the JSON API root. Defaults to "https://api.moysklad.ru/api/remap/1.2".
	BaseURL string
	// Token is the Bearer token. Required.
	Token string
	// WebhookPrefix is sent as X-Lognex-WebHook-DisableByPrefix on every
	// write, so skladflow's own writes fire no webhook to it: scheme and a
	// full domain name (and optionally a path), see CheckWebhookPrefix.
	// Optional.
	WebhookPrefix string
	// MaxInFlight is how many requests run at once in this process: the
	// replicas of one account together must stay within MoySklad's
	// per-user parallel limit of 5. Defaults to 5.
	MaxInFlight int
	// RequestCost is the units of MoySklad's 45-unit rate-limit bucket one
	// request takes (moysklad.md §5.3): 3 for a user token or login since
	// 2026-09-01, 4 from 2026-12-01, 1 for a solution token. It paces the
	// first requests; the answers' headers then show the real weight.
	// Defaults to 3.
	RequestCost int
	// Schedule books the requests' starts. Replicas sharing one MoySklad
	// account must share one (storage.Store.Schedule): MoySklad counts the
	// rate limit per user, not per process. Defaults to one in this
	// process' memory.
	Schedule Schedule
	// RetryMax is how many times one request is retried. Defaults to 10.
	RetryMax int
	// RetryWaitMin is the first backoff. Defaults to 200ms.
	RetryWaitMin time.Duration
	// RetryWaitMax caps one backoff. Defaults to 10s.
	RetryWaitMax time.Duration
	// RetryBudget bounds in-process retrying of one call; longer outages are
	// the job queue's. Defaults to 30s.
	RetryBudget time.Duration
	// Timeout bounds one attempt (MoySklad may legitimately take minutes).
	// Defaults to 2m.
	Timeout time.Duration
	// Logger defaults to discarding.
	Logger *slog.Logger
	// HTTPClient is the base client. Defaults to a keep-alive client that
	// drops connections idle for 25s (MoySklad advises < 30s).
	HTTPClient *http.Client
}

// DefaultRequestCost is a user token's weight per request from 2026-09-01
// to 2026-11-30; from 2026-12-01 it is 4 (md/_restrictions.md).
const DefaultRequestCost = 3

// DefaultMaxInFlight is MoySklad's limit of parallel requests per user or
// solution (moysklad.md §5.3).
const DefaultMaxInFlight = 5

// DefaultBaseURL is MoySklad's JSON API 1.2 root.
const DefaultBaseURL = "https://api.moysklad.ru/api/remap/1.2"

func (c *Config) setDefaults() {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.RequestCost == 0 {
		c.RequestCost = DefaultRequestCost
	}
	if c.Schedule == nil {
		c.Schedule = NewMemorySchedule()
	}
	if c.RetryMax == 0 {
		c.RetryMax = 10
	}
	if c.Timeout == 0 {
		c.Timeout = 2 * time.Minute
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.HTTPClient == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = c.MaxInFlight
		t.IdleConnTimeout = 25 * time.Second
		t.DisableCompression = true // gzip is requested and decoded explicitly
		c.HTTPClient = &http.Client{Transport: t}
	}
}

// Validate checks the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Token == "" {
		errs = append(errs, errors.New("moysklad: Token is required"))
	}
	if u, err := url.Parse(c.BaseURL); c.BaseURL != "" && (err != nil || u.Host == "") {
		errs = append(errs, fmt.Errorf("moysklad: BaseURL %q is not a URL", c.BaseURL))
	}
	if c.WebhookPrefix != "" {
		if err := CheckWebhookPrefix(c.WebhookPrefix); err != nil {
			errs = append(errs, fmt.Errorf("moysklad: WebhookPrefix %w", err))
		}
	}
	if c.RequestCost < 0 || c.RequestCost > 45 {
		errs = append(errs, fmt.Errorf("moysklad: RequestCost must be between 1 and 45 units, got %d", c.RequestCost))
	}
	if c.MaxInFlight < 0 {
		errs = append(errs, errors.New("moysklad: MaxInFlight must not be negative"))
	}
	if err := c.retry().Validate(); err != nil {
		errs = append(errs, fmt.Errorf("moysklad: %w", err))
	}
	return errors.Join(errs...)
}

// retry is the retrying base's part of the configuration. Zero waits and
// budget take retryhttp's defaults, the ones documented on Config.
func (c Config) retry() retryhttp.Config {
	return retryhttp.Config{Peer: "moysklad", RetryMax: c.RetryMax, WaitMin: c.RetryWaitMin, WaitMax: c.RetryWaitMax,
		Budget: c.RetryBudget, Timeout: c.Timeout, ServerWait: serverWait, HTTPClient: c.HTTPClient, Logger: c.Logger}
}

// serverWait is what a time-based 429 asks for: X-Lognex-Retry-After, in
// milliseconds. The parallel limit (1073) sends none: backoff then.
func serverWait(resp *http.Response) (time.Duration, bool) {
	if d, ok := lognexRetryAfter(resp); ok {
		return d, true
	}
	return retryhttp.RetryAfter(resp)
}

var lognexRetryAfter = retryhttp.MillisecondsHeader("X-Lognex-Retry-After")
