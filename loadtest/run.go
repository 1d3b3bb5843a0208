package loadtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/skladflow/skladflow/storage/storagetest"
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
	if cfg.Burst > 0 {
		progress("bare HTTP bursts of %d (a handler that does nothing)", cfg.Burst)
		if rep.HTTPBaseline, err = httpBaseline(ctx, cfg.Burst); err != nil {
			return rep, err
		}
	}
	path := filepath.Join(dir, "db.sqlite")
	if cfg.Postgres != "" {
		dsn, drop, err := storagetest.NewSchema(ctx, cfg.Postgres)
		if err != nil {
			return rep, fmt.Errorf("loadtest: %w", err)
		}
		defer drop()
		path = dsn
	}
	t, err := startTarget(ctx, path, cfg.MaxWorkers, cfg.Logger)
	if err != nil {
		return rep, err
	}
	defer func() { err = errors.Join(err, t.stop()) }()
	c := newClient(t.url, max(1100, cfg.Burst+100, slices.Max(append([]int{0}, cfg.Rates...))+100))
	defer c.close()
	r := &runner{client: c, ledger: newLedger()}

	rep.note("peak RSS", resetPeakRSS())
	progress("single notifications of %v events, %d time(s) each", cfg.NotificationSizes, cfg.Repeats)
	rep.Notifications = r.notifications(ctx, cfg.NotificationSizes, cfg.Repeats)
	rep.note("after the single notifications", t.fannedOut(ctx, fanOutWait))
	rep.PeakRSSFanOut, err = peakRSS()
	rep.note("peak RSS", err)

	rep.note("peak RSS", resetPeakRSS())
	if cfg.Burst > 0 {
		progress("burst of %d deliveries", cfg.Burst)
		rep.BurstSize, rep.Burst = cfg.Burst, r.burst(ctx, cfg.Burst)
		progress("the same burst again, on the connections it left open")
		rep.WarmBurst = r.burst(ctx, cfg.Burst)
		rep.MostInFlight = max(rep.Burst.MostInFlight, rep.WarmBurst.MostInFlight)
	}
	for _, perSecond := range cfg.Rates {
		if cfg.RateDuration <= 0 {
			break
		}
		progress("%d deliveries/s for %s", perSecond, cfg.RateDuration)
		rt := r.rate(ctx, perSecond, cfg.RateDuration)
		rep.Rates = append(rep.Rates, rt)
		rep.MostInFlight = max(rep.MostInFlight, rt.MostInFlight)
	}
	rep.PeakRSSLoad, err = peakRSS()
	rep.note("peak RSS", err)
	if err := ctx.Err(); err != nil {
		return rep, err
	}

	c.close()
	rep.note("with the documents in flight", t.connsClosed(ctx, 30*time.Second))
	rep.note("with the documents in flight", t.fannedOut(ctx, fanOutWait))
	rep.InFlight, err = t.available(ctx)
	rep.note("documents in flight", err)
	rep.RSSInFlight, err = settledRSS()
	rep.note("RSS", err)

	progress("processing %d acknowledged documents", r.ledger.ackedCount())
	if rep.Verification, err = drain(ctx, t, r.ledger, cfg.VerifyTimeout); err != nil {
		return rep, err
	}
	return rep, rep.Verification.Err()
}

// note keeps what could not be measured: it is reported, never fatal.
func (rep *Report) note(what string, err error) {
	if err != nil {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s: %v", what, err))
	}
}
