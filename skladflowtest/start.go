package skladflowtest

import (
	"context"
	"log/slog"
	"os"
	"testing"
)

// Start is New for a test: the directory is t.TempDir(), a failure ends the
// test, and t.Cleanup closes everything. With SKLADFLOW_TEST_LOG set and no
// Options.Logger, the service logs to stderr at debug level.
func Start(t testing.TB, o Options) *Harness {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	if o.Logger == nil && os.Getenv("SKLADFLOW_TEST_LOG") != "" {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	// Not t.Context(): it is cancelled before cleanups run, and the service
	// must stay up until Close shuts it down in order.
	h, err := New(context.Background(), o)
	if err != nil {
		t.Fatalf("skladflowtest: %v", err)
	}
	t.Cleanup(h.Close)
	return h
}
