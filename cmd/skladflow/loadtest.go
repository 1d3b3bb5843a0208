package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/skladflow/skladflow/loadtest"
)

// loadTest drives the MoySklad webhook endpoint over loopback and checks
// that nothing acknowledged is lost or doubled: exit 0 when so, 1 when not
// (timings never fail it), 2 on a wrong command line.
func loadTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("loadtest", "", `Starts skladflow's HTTP edge and store on 127.0.0.1 (a temporary database, counting
workers in place of the flows) and drives the MoySklad webhook with notifications as
MoySklad sends them — resends, duplicates under new and same request ids included:
single notifications of 100, 1,000 and 10,000 events, a burst of deliveries started at
once, and fixed open-loop rates. Prints ack latencies (p50/p99/max, share of MoySklad's
1,500 ms), ingest rates as ratios to the raw SQLite durable insert rate measured in the
same run, and peak memory; then processes every document and verifies.
Exit status: 0 nothing lost or doubled, 1 an acknowledged document lost or a document
processed twice (or the run failed), 2 a wrong command line.`, stdout, stderr)
	short := fs.Bool("short", false, "CI size: rates 100,500 for 2s, burst 300, each notification once")
	rateDuration := fs.Duration("rate-duration", 0, "how long each rate runs (default 10s, -short 2s)")
	burst := fs.Int("burst", 0, "deliveries started at once (default 1000, -short 300)")
	postgres := fs.String("postgres", "", "run the store on PostgreSQL at this URL, in a schema of its own dropped at the end (default: a SQLite file)")
	var rates []int
	fs.Func("rates", "deliveries per second, comma-separated (default 100,500,1000; -short 100,500)", func(s string) error {
		var err error
		rates, err = parseInts(s)
		return err
	})
	if err := fs.parse(args, 0); err != nil {
		return err
	}
	rep, err := loadtest.Run(ctx, loadtest.Config{Short: *short, Rates: rates, RateDuration: *rateDuration, Burst: *burst,
		Postgres: *postgres, Out: stderr})
	if errors.Is(err, loadtest.ErrInvalidConfig) {
		fmt.Fprintln(stderr, err)
		return &usageError{err}
	}
	if werr := rep.Write(stdout); werr != nil && err == nil {
		err = werr
	}
	var loss *loadtest.LossError
	if errors.As(err, &loss) {
		return &exitCode{1, err}
	}
	return err
}

// parseInts reads "100,500,1000".
func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("want numbers separated by commas, got %q", s)
		}
		out = append(out, n)
	}
	return out, nil
}
