package loadtest

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// ErrInvalidConfig is a Config that cannot run.
var ErrInvalidConfig = errors.New("loadtest: invalid config")

// Bounds that keep one run on a 2-core machine with 20,000 file
// descriptors: an open-loop rate holds a connection per delivery in flight.
const (
	maxRate              = 5000
	maxBurst             = 5000
	maxNotificationSize  = 100_000 // ~26 MB of JSON: under the edge's BodyLimit below
	maxRateDuration      = 10 * time.Minute
	defaultVerifyTimeout = 3 * time.Minute
)

// Config configures one run. Zero fields take the defaults of the full run,
// or of the short one when Short is set; a field set explicitly wins.
type Config struct {
	// Short is the CI-sized run: rates 100 and 500/s for 2 s, a burst of
	// 300, each notification size sent once. Defaults to false.
	Short bool
	// Rates are the fixed delivery rates, per second, each run open loop.
	// Defaults to 100, 500, 1000 (Short: 100, 500).
	Rates []int
	// RateDuration is how long each rate runs. Defaults to 10s (Short: 2s).
	RateDuration time.Duration
	// Burst is how many deliveries start at the same moment. Defaults to
	// 1000 (Short: 300).
	Burst int
	// NotificationSizes are the event counts of the single notifications.
	// Defaults to 100, 1000, 10000.
	NotificationSizes []int
	// Repeats is how often each single notification is sent; the median
	// ack time is reported. Defaults to 3 (Short: 1).
	Repeats int
	// BaselineDuration is how long the raw SQLite insert baseline runs.
	// Defaults to 2s.
	BaselineDuration time.Duration
	// MaxWorkers is how many counting jobs run at once once processing
	// resumes; it changes how fast the verification drains the queue, not
	// what is measured (the queue is paused while the scenarios run).
	// Defaults to 50.
	MaxWorkers int
	// VerifyTimeout bounds the wait for every acknowledged document to be
	// processed. Defaults to 3m.
	VerifyTimeout time.Duration
	// Dir holds the databases. Defaults to a new temporary directory,
	// removed when Run returns.
	Dir string
	// Postgres is a PostgreSQL URL to run the store on, in a schema of its
	// own dropped at the end, instead of a SQLite file in Dir (the raw
	// baseline stays SQLite's). Defaults to empty: SQLite.
	Postgres string
	// Out receives a progress line as each phase starts. Defaults to
	// discarding.
	Out io.Writer
	// Logger is the store's and the edge's logger. Defaults to discarding.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Rates == nil {
		c.Rates = []int{100, 500, 1000}
		if c.Short {
			c.Rates = []int{100, 500}
		}
	}
	if c.RateDuration == 0 {
		c.RateDuration = 10 * time.Second
		if c.Short {
			c.RateDuration = 2 * time.Second
		}
	}
	if c.Burst == 0 {
		c.Burst = 1000
		if c.Short {
			c.Burst = 300
		}
	}
	if c.NotificationSizes == nil {
		c.NotificationSizes = []int{100, 1000, 10000}
	}
	if c.Repeats == 0 {
		c.Repeats = 3
		if c.Short {
			c.Repeats = 1
		}
	}
	if c.BaselineDuration == 0 {
		c.BaselineDuration = 2 * time.Second
	}
	if c.MaxWorkers == 0 {
		c.MaxWorkers = 50
	}
	if c.VerifyTimeout == 0 {
		c.VerifyTimeout = defaultVerifyTimeout
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// validate is the one place a Config is checked (after setDefaults).
func (c *Config) validate() error {
	var errs []error
	for _, r := range c.Rates {
		if r <= 0 || r > maxRate {
			errs = append(errs, fmt.Errorf("rate %d/s: want 1..%d", r, maxRate))
		}
	}
	if c.RateDuration < 0 || c.RateDuration > maxRateDuration {
		errs = append(errs, fmt.Errorf("rate duration %s: want up to %s", c.RateDuration, maxRateDuration))
	}
	if c.Burst < 0 || c.Burst > maxBurst {
		errs = append(errs, fmt.Errorf("burst %d: want 0..%d", c.Burst, maxBurst))
	}
	for _, n := range c.NotificationSizes {
		if n <= 0 || n > maxNotificationSize {
			errs = append(errs, fmt.Errorf("notification of %d events: want 1..%d", n, maxNotificationSize))
		}
	}
	if c.Repeats < 0 {
		errs = append(errs, fmt.Errorf("repeats %d: want at least 1", c.Repeats))
	}
	if c.BaselineDuration < 0 || c.MaxWorkers < 0 || c.VerifyTimeout < 0 {
		errs = append(errs, errors.New("durations and workers must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return nil
}
