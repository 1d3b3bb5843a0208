package moysklad

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// limiter keeps MoySklad's limits on the client side: at most n requests in
// flight, and starts paced by the rate-limit headers. Since 2026 the bucket
// is counted in units and a request takes several (moysklad.md §5.3): one
// start per X-Lognex-Retry-TimeInterval / (⌊X-RateLimit-Limit / units⌋ − 1), and
// when X-RateLimit-Remaining can no longer pay for a request, wait
// X-Lognex-Reset ms.
//
// Whether the headers count units or requests is not documented. units is
// what one request takes in the headers' own terms: the configured cost
// until an answer shows it, then the largest drop of
// X-RateLimit-Remaining between two requests that ran alone one after the
// other (the window sliding can only make a drop smaller). Headers in
// requests drop by 1, headers in units by the weight: either way the pace
// comes out right.
//
// A stock report takes reportUnits whatever the auth (moysklad.md §5.3): the
// start after it waits as long as its units and one request's more would
// take, and its drop teaches nothing, since it is not what a request takes.
//
// The starts themselves are booked in a Schedule: the account's, shared by
// every replica, or this process' own.
type limiter struct {
	slots    chan struct{}
	schedule Schedule
	log      *slog.Logger

	mu       sync.Mutex
	gap      time.Duration // between request starts
	units    int           // per request, in the headers' terms
	learned  bool
	started  int64 // requests started
	inflight int
	last     answerMark // of the last request that ran alone

	waitCount atomic.Int64
	waitNanos atomic.Int64

	seenLimit, seenRemaining int
	seenInterval             time.Duration
}

// answerMark is what a request that ran alone saw.
type answerMark struct {
	booked    int64 // its number in the schedule
	remaining int
	ok        bool
}

// ticket is one request's place in the sequence: seq among this
// process' starts, booked among the schedule's (every replica's).
type ticket struct {
	seq    int64
	booked int64
	alone  bool
	report bool
}

// reportUnits is what a stock report request takes of the bucket, any auth
// (moysklad.md §5.3: "GET report/stock/all and report/stock/bystore: 5
// units").
const reportUnits = 5

// reportPaths are the requests reportUnits applies to.
var reportPaths = []string{"/report/stock/all", "/report/stock/bystore"}

// isReport reports a stock report request.
func isReport(r *http.Request) bool {
	return r.Method == http.MethodGet && slices.ContainsFunc(reportPaths, func(p string) bool {
		return strings.Contains(r.URL.Path, p)
	})
}

// newLimiter paces by MoySklad's documented bucket (45 units per 3 s,
// moysklad.md §5.3) until the first answer's headers say more.
func newLimiter(n, cost int, schedule Schedule, log *slog.Logger) *limiter {
	l := &limiter{slots: make(chan struct{}, n), schedule: schedule, log: log, units: cost}
	l.gap = l.pace(45, 3*time.Second)
	return l
}

// pace is the gap between starts: whole requests fit the bucket (45 units
// at 4 a request: 11), less one as headroom, since starts paced evenly
// reach the server unevenly.
func (l *limiter) pace(limit int, interval time.Duration) time.Duration {
	return interval / time.Duration(max(limit/max(l.units, 1)-1, 1))
}

// gapAfter is the gap after a start: a report's is that of its units and,
// as headroom, one request more (the pace's own headroom is one request in
// the whole bucket, too little for a run of reports). If the headers count
// requests (units 1) a report is paced as 6 of them, slower than needed
// for a user token but never too fast. It runs under l.mu.
func (l *limiter) gapAfter(report bool) time.Duration {
	if !report {
		return l.gap
	}
	u := time.Duration(max(l.units, 1))
	return l.gap * (reportUnits + u) / u
}

func (l *limiter) acquire(ctx context.Context, report bool) (ticket, error) {
	t0 := time.Now()
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return ticket{}, ctx.Err()
	}
	l.mu.Lock()
	gap := l.gapAfter(report)
	l.mu.Unlock()
	// No fallback to this process' own pace when the schedule fails: the
	// other replicas would not know of the start. The job retries.
	d, booked, err := l.schedule.Reserve(ctx, gap)
	if err != nil {
		<-l.slots
		return ticket{}, fmt.Errorf("%w: %w", ErrSchedule, err)
	}
	if d > 0 {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			<-l.slots
			return ticket{}, ctx.Err()
		}
	}
	if waited := time.Since(t0); waited > time.Millisecond {
		l.waitCount.Add(1)
		l.waitNanos.Add(int64(waited))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.started++
	l.inflight++
	return ticket{seq: l.started, booked: booked, alone: l.inflight == 1, report: report}, nil
}

func (l *limiter) release() {
	l.mu.Lock()
	l.inflight--
	l.mu.Unlock()
	<-l.slots
}

// learn adjusts pacing from the answer to the request t; when the bucket
// can no longer pay for a request it defers the schedule's next start.
func (l *limiter) learn(ctx context.Context, h http.Header, t ticket) {
	if reset := l.update(h, t); reset > 0 {
		// The answer is in hand whatever the schedule says: a failure
		// only costs a 429 the next request may meet.
		if err := l.schedule.Defer(ctx, reset); err != nil {
			l.log.Warn("rate-limit schedule: deferring the next start failed", "err", err)
		}
	}
}

// update learns the pace from an answer's headers and says how long the
// next start must wait for the bucket to refill (0: no need).
func (l *limiter) update(h http.Header, t ticket) time.Duration {
	limit, _ := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	interval, _ := strconv.Atoi(h.Get("X-Lognex-Retry-TimeInterval"))
	remaining, errR := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	reset, _ := strconv.Atoi(h.Get("X-Lognex-Reset"))
	l.mu.Lock()
	defer l.mu.Unlock()
	// Nothing else ran between the previous lone request and this one:
	// no other start of this process, nor one booked between them by
	// another replica sharing the schedule.
	if errR == nil && t.alone && l.started == t.seq {
		if l.last.ok && l.last.booked == t.booked-1 && !t.report {
			if drop := l.last.remaining - remaining; drop > 0 && (limit == 0 || drop <= limit) && (!l.learned || drop > l.units) {
				l.units, l.learned = drop, true
			}
		}
		l.last = answerMark{booked: t.booked, remaining: remaining, ok: true}
	}
	if limit > 0 && interval > 0 {
		l.gap = l.pace(limit, time.Duration(interval)*time.Millisecond)
		l.seenLimit, l.seenInterval = limit, time.Duration(interval)*time.Millisecond
	}
	if errR == nil {
		l.seenRemaining = remaining
	}
	if errR == nil && remaining < max(l.units, 1) && reset > 0 {
		return time.Duration(reset) * time.Millisecond
	}
	return 0
}

// requestUnits is what one request takes, in the headers' terms, and
// whether an answer showed it.
func (l *limiter) requestUnits() (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.units, l.learned
}

func (l *limiter) waits() (int64, time.Duration) {
	return l.waitCount.Load(), time.Duration(l.waitNanos.Load())
}

// limitedTransport puts every attempt (not the whole retry loop) through
// the limiter, so a request sleeping in backoff holds no slot.
type limitedTransport struct {
	base  http.RoundTripper
	limit *limiter
}

func (t *limitedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	tk, err := t.limit.acquire(r.Context(), isReport(r))
	if err != nil {
		return nil, err
	}
	defer t.limit.release()
	resp, err := t.base.RoundTrip(r)
	if err == nil {
		t.limit.learn(r.Context(), resp.Header, tk)
	}
	return resp, err
}
