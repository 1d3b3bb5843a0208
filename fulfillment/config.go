package fulfillment

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/skladflow/skladflow/retryhttp"
)

// Config configures an FBox client.
type Config struct {
	// BaseURL is the API root. Defaults to "https://lpw.betta.ru:8084/grh/api".
	BaseURL string
	// PartnerID is the login the warehouse issued. Required.
	PartnerID string
	// Password is the password the warehouse issued. Required.
	Password string
	// RetryMax is how many times one request is retried. Defaults to 5.
	RetryMax int
	// RetryWaitMin is the first backoff. Defaults to 500ms.
	RetryWaitMin time.Duration
	// RetryWaitMax caps one backoff. Defaults to 30s.
	RetryWaitMax time.Duration
	// RetryBudget bounds in-process retrying of one call; longer outages are
	// the job queue's. Defaults to 60s.
	RetryBudget time.Duration
	// Timeout bounds one attempt. Defaults to 60s.
	Timeout time.Duration
	// Logger defaults to discarding.
	Logger *slog.Logger
	// HTTPClient is the base client. Defaults to a keep-alive client.
	HTTPClient *http.Client
	// QuotaShare is the part of the account's request quotas (GET
	// /settings rate_limits.req_qnt, read hourly) the client spends at
	// most, the rest left to the account's other systems; 0 budgets
	// nothing, and only X-RateLimit-Reset paces. Defaults to 0.
	QuotaShare float64
}

// DefaultBaseURL is the FBox API root in the warehouse's published spec.
const DefaultBaseURL = "https://lpw.betta.ru:8084/grh/api"

func (c *Config) setDefaults() {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.RetryWaitMin == 0 {
		c.RetryWaitMin = 500 * time.Millisecond
	}
	if c.RetryWaitMax == 0 {
		c.RetryWaitMax = 30 * time.Second
	}
	if c.RetryBudget == 0 {
		c.RetryBudget = 60 * time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = 60 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
}

// Validate checks the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.PartnerID == "" {
		errs = append(errs, errors.New("fulfillment: PartnerID is required"))
	}
	if c.Password == "" {
		errs = append(errs, errors.New("fulfillment: Password is required"))
	}
	if u, err := url.Parse(c.BaseURL); c.BaseURL != "" && (err != nil || u.Host == "") {
		errs = append(errs, fmt.Errorf("fulfillment: BaseURL %q is not a URL", c.BaseURL))
	}
	if c.QuotaShare < 0 || c.QuotaShare > 1 {
		errs = append(errs, fmt.Errorf("fulfillment: QuotaShare %v is not between 0 and 1", c.QuotaShare))
	}
	if err := c.retry().Validate(); err != nil {
		errs = append(errs, fmt.Errorf("fulfillment: %w", err))
	}
	return errors.Join(errs...)
}

// retry is the retrying base's part of the configuration; a zero RetryMax
// takes retryhttp's default, the one documented on Config. A 429 whose
// Retry-After does not fit the budget ends the call at once: the durable
// job comes back later.
func (c Config) retry() retryhttp.Config {
	return retryhttp.Config{Peer: "fbox", RetryMax: c.RetryMax, WaitMin: c.RetryWaitMin, WaitMax: c.RetryWaitMax,
		Budget: c.RetryBudget, Timeout: c.Timeout, HTTPClient: c.HTTPClient, Logger: c.Logger}
}
