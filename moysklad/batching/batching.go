// Package batching gathers the MoySklad document reads and writes that
// concurrent jobs make into list requests and mass updates. MoySklad's
// rate limit counts requests, not documents (moysklad.md §5.3): one list
// request reads up to 100 documents with their positions (§4.3), one mass
// update writes up to 1,000 (§4.2). The jobs keep deciding one document at
// a time on that document's fresh state; only the requests are shared.
package batching

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/skladflow/skladflow/moysklad"
)

// Config configures the batching.
type Config struct {
	// Window is how long a read or a write waits for others of its kind
	// before it goes out, unless the batch fills first, or the previous
	// request of its kind is still under way: one request of a kind is in
	// flight at a time, and what arrives meanwhile goes next, together.
	// 0 turns batching off (every document its own GET and PUT). Defaults
	// to 0.
	Window time.Duration
	// MaxReads is how many documents one list request reads. At most 100:
	// MoySklad expands positions only on pages of up to 100 (moysklad.md
	// §4.3). Defaults to 100.
	MaxReads int
	// MaxWrites is how many documents one mass update writes. At most
	// 1,000 (moysklad.md §4.2); smaller keeps each request well within
	// MoySklad's 5 minutes and 20 MB. Defaults to 100.
	MaxWrites int
	// CallTimeout bounds one shared request: it serves many jobs, so no
	// single job's context may cancel it. Defaults to 2m.
	CallTimeout time.Duration
	// Queued lists up to limit documents of a type whose jobs are queued,
	// oldest first: a list request for ReadQueued is filled up with them,
	// and their jobs find their documents read. Optional: without it each
	// job reads its own.
	Queued func(ctx context.Context, typ string, limit int) ([]string, error)
	// Logger defaults to discarding.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.MaxReads == 0 {
		c.MaxReads = 100
	}
	if c.MaxWrites == 0 {
		c.MaxWrites = 100
	}
	if c.CallTimeout == 0 {
		c.CallTimeout = 2 * time.Minute
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

func (c *Config) validate() error {
	switch {
	case c.Window < 0:
		return errors.New("batching: Window must not be negative")
	case c.MaxReads < 1 || c.MaxReads > 100:
		return errors.New("batching: MaxReads must be 1..100")
	case c.MaxWrites < 1 || c.MaxWrites > 1000:
		return errors.New("batching: MaxWrites must be 1..1000")
	}
	return nil
}

// Client is a MoySklad client whose GetDocument and UpdateDocument are
// gathered into batches; every other call goes straight through.
type Client struct {
	*moysklad.Client
	cfg Config

	mu       sync.Mutex
	reads    map[readKey]*lane[readBatch]
	writes   map[string]*lane[writeBatch]
	ahead    map[docKey]aheadRead    // read for jobs not yet running
	inflight map[*readBatch]struct{} // list requests under way
	inWrite  map[docKey]int          // writes under way
	stats    Stats
}

// Stats counts what the batching did.
type Stats struct {
	ReadRequests, DocumentsRead     int // list or single GETs sent; documents they read
	ReadAhead, AheadUsed            int // of those, documents read for jobs not yet running; jobs that found theirs
	WriteRequests, DocumentsWritten int // mass updates or single PUTs sent; documents they wrote
}

// New wraps a client.
func New(c *moysklad.Client, cfg Config) (*Client, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Client{Client: c, cfg: cfg, reads: map[readKey]*lane[readBatch]{}, writes: map[string]*lane[writeBatch]{},
		ahead: map[docKey]aheadRead{}, inflight: map[*readBatch]struct{}{}, inWrite: map[docKey]int{}}, nil
}

// BatchStats reads the batching counters (Stats are the client's own).
func (c *Client) BatchStats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// shared is the context of a request made for many jobs.
func (c *Client) shared() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.cfg.CallTimeout)
}
