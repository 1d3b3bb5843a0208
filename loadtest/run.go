package loadtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// fanOutWait bounds the wait for a fan-out before memory is read.
const fanOutWait = 2 * time.Minute

// Run measures the raw baseline, starts the edge, runs the scenarios
// against it with document processing paused, then resumes processing and
// verifies. The error is a *LossError when an acknowledged document was
// lost or a document doubled; the report is filled as far as the run got.
func Run(ctx context.Context, cfg Config) (rep Report, err error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return rep, err
	}
	progress := func(format string, args ...any) { fmt.Fprintf(cfg.Out, "loadtest: "+format+"\n", args...) }
	dir := cfg.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "skladflow-loadtest-"); err != nil {
			return rep, fmt.Errorf("loadtest: %w", err)
		}
		defer os.RemoveAll(dir)
	}

	progress("raw SQLite baseline for %s", cfg.BaselineDuration)
	if rep.Baseline, err = rawInsertRate(ctx, filepath.Join(dir, "raw.sqlite"), cfg.BaselineDuration); err != nil {
		return rep, err
	}
	t, err := startTarget(ctx, dir, cfg.MaxWorkers, cfg.Logger)
	if err != nil {
		return rep, err
	}
	defer func() { err = errors.Join(err, t.stop()) }()
	c := newClient(t.url, max(1100, cfg.Burst+100, slices.Max(append([]int{0}, cfg.Rates...))+100))
	defer c.close()
	r := &runner{client: c, ledger: newLedger()}

	progress("single notifications of %v events, %d time(s) each", cfg.NotificationSizes, cfg.Repeats)
	rep.Notifications = r.notifications(ctx, cfg.NotificationSizes, cfg.Repeats)
	rep.PeakRSSFanOut, _ = rep.memory(ctx, t, "after the single notifications")

	if cfg.Burst > 0 {
		progress("burst of %d deliveries", cfg.Burst)
		rep.BurstSize, rep.Burst = cfg.Burst, r.burst(ctx, cfg.Burst)
	}
	for _, perSecond := range cfg.Rates {
		if cfg.RateDuration <= 0 {
			break
		}
		progress("%d deliveries/s for %s", perSecond, cfg.RateDuration)
		rep.Rates = append(rep.Rates, r.rate(ctx, perSecond, cfg.RateDuration))
	}
	rep.PeakRSSInFlight, rep.InFlight = rep.memory(ctx, t, "with the documents in flight")
	if err := ctx.Err(); err != nil {
		return rep, err
	}

	progress("processing %d acknowledged documents", r.ledger.ackedCount())
	if rep.Verification, err = drain(ctx, t, r.ledger, cfg.VerifyTimeout); err != nil {
		return rep, err
	}
	return rep, rep.Verification.Err()
}

// memory waits for the fan-out to finish, then reads the peak RSS and the
// jobs in flight. What it cannot read becomes a note.
func (rep *Report) memory(ctx context.Context, t *target, when string) (int64, int) {
	if err := t.fannedOut(ctx, fanOutWait); err != nil {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s: %v", when, err))
	}
	rss, err := peakRSS()
	if err != nil {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s: peak RSS: %v", when, err))
	}
	n, err := t.available(ctx)
	if err != nil {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s: jobs in flight: %v", when, err))
	}
	return rss, n
}
