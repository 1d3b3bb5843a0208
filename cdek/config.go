package cdek

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/skladflow/skladflow/retryhttp"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the API root. Defaults to "https://api.cdek.ru/v2".
	BaseURL string
	// ClientID is the integration account. Required.
	ClientID string
	// ClientSecret is the integration password. Required.
	ClientSecret string
	// Timeout bounds one attempt. Defaults to 30s.
	Timeout time.Duration
	// RetryMax is how many times one request is retried. Defaults to 5.
	RetryMax int
	// RetryWaitMin is the first backoff. Defaults to 200ms.
	RetryWaitMin time.Duration
	// RetryWaitMax caps one backoff. Defaults to 10s.
	RetryWaitMax time.Duration
	// RetryBudget bounds in-process retrying of one call, the token request
	// included; longer outages are the job queue's. Defaults to 30s.
	RetryBudget time.Duration
	// HTTPClient is the base client. Defaults to a keep-alive client.
	HTTPClient *http.Client
	// Logger defaults to discarding.
	Logger *slog.Logger
}

// DefaultBaseURL is CDEK's production API root; the test host is
// https://api.edu.cdek.ru/v2.
const DefaultBaseURL = "https://api.cdek.ru/v2"

func (c *Config) setDefaults() {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
}

// Validate checks the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.ClientID == "" || c.ClientSecret == "" {
		errs = append(errs, errors.New("cdek: ClientID and ClientSecret are required"))
	}
	if err := c.retry().Validate(); err != nil {
		errs = append(errs, fmt.Errorf("cdek: %w", err))
	}
	return errors.Join(errs...)
}

// retry is the retrying base's part of the configuration. Zero fields take
// retryhttp's defaults, the ones documented on Config.
func (c Config) retry() retryhttp.Config {
	return retryhttp.Config{Peer: "cdek", RetryMax: c.RetryMax, WaitMin: c.RetryWaitMin, WaitMax: c.RetryWaitMax,
		Budget: c.RetryBudget, Timeout: c.Timeout, HTTPClient: c.HTTPClient, Logger: c.Logger}
}
