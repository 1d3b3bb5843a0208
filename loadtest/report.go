package loadtest

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// moyskladBudget is how long MoySklad waits for an answer (moysklad.md §2.3).
const moyskladBudget = 1500 * time.Millisecond

// Report is one run's figures; each is read against the raw baseline, the
// 1,500 ms budget or another figure of the same run.
type Report struct {
	Baseline      Baseline
	Notifications []Notification
	// Burst is on new connections, as after an idle spell; WarmBurst is the
	// same burst again on the connections the first left open.
	Burst, WarmBurst Deliveries
	BurstSize        int
	HTTPBaseline     HTTPBaseline
	Rates            []Rate
	// PeakRSSFanOut is the peak RSS (VmHWM, bytes) of the single
	// notifications, their fan-out included; 0 when unknown.
	PeakRSSFanOut int64
	// PeakRSSLoad is the peak RSS of the burst and the rates: it grows
	// with the deliveries in flight at once (MostInFlight), generator's
	// side included; 0 when unknown.
	PeakRSSLoad  int64
	MostInFlight int
	// RSSInFlight is the RSS once every delivery is answered, with InFlight
	// documents waiting for their jobs; 0 when unknown.
	RSSInFlight  int64
	InFlight     int
	Verification Verification
	// Notes are what could not be measured, and why.
	Notes []string
}

// Write prints the report as a table.
func (r Report) Write(w io.Writer) error {
	p := &printer{w: w}
	raw := r.Baseline.RowsPerSecond()
	p.f("raw SQLite durable single-row inserts: %s rows/s (%s rows in %s)\n", num(raw), count(r.Baseline.Rows), dur(r.Baseline.Elapsed))
	for _, n := range r.Notifications {
		p.f("notification %7s events: %s\n", count(n.Events), n.summary())
	}
	if g := growth(r.Notifications); g != "" {
		p.f("ack growth: %s\n", g)
	}
	if r.BurstSize > 0 {
		h := r.HTTPBaseline
		p.f("burst %s deliveries%s, new connections: %s\n", count(r.BurstSize), dups(r.Burst.Duplicates), r.Burst.summary(raw))
		p.f("  bare HTTP burst, new connections: p50 %s  p99 %s  → the burst's p99 is %s of it\n", dur(h.Cold.P50), dur(h.Cold.P99), ratio(float64(r.Burst.P99), float64(h.Cold.P99)))
		p.f("burst %s deliveries%s, open connections: %s\n", count(r.BurstSize), dups(r.WarmBurst.Duplicates), r.WarmBurst.summary(raw))
		p.f("  bare HTTP burst, open connections: p50 %s  p99 %s  → the burst's p99 is %s of it\n", dur(h.Warm.P50), dur(h.Warm.P99), ratio(float64(r.WarmBurst.P99), float64(h.Warm.P99)))
	}
	for _, rt := range r.Rates {
		p.f("rate %s/s for %s%s: %s  answered %s/s", count(rt.PerSecond), rt.Duration, dups(rt.Duplicates), rt.summary(raw), num(rt.AnsweredPerSecond()))
		if rt.Sent < rt.Planned {
			p.f("  (started %s of %s within the time bound)", count(rt.Sent), count(rt.Planned))
		}
		if rt.MaxLag > 50*time.Millisecond {
			p.f("  (generator up to %s late)", dur(rt.MaxLag))
		}
		p.f("\n")
	}
	if line := r.ingest(raw); line != "" {
		p.f("ingest: %s\n", line)
	}
	p.f("peak RSS %s (single notifications and their fan-out), %s (burst and rates, up to %s deliveries in flight at once); RSS %s with %s documents in flight\n",
		mb(r.PeakRSSFanOut), mb(r.PeakRSSLoad), count(r.MostInFlight), mb(r.RSSInFlight), count(r.InFlight))
	v := r.Verification
	p.f("processed: %s documents (%s acknowledged of %s sent) in %s, lost %d, doubled %d",
		count(v.Processed), count(v.Acknowledged), count(v.Documents), dur(v.Waited), len(v.Lost), len(v.Doubled))
	if len(v.Unknown) > 0 {
		p.f(", never sent %d", len(v.Unknown))
	}
	if v.Pending > 0 {
		p.f(", %d jobs unfinished", v.Pending)
	}
	p.f("\n")
	for _, n := range r.Notes {
		p.f("note: %s\n", n)
	}
	return p.err
}

func (n Notification) summary() string {
	runs := n.Acked + n.Refused + n.Failed
	if runs == 0 {
		return "not sent"
	}
	s := "ack " + dur(n.Median())
	if n.Acked < runs {
		s = "answered in " + dur(n.Median())
	}
	if runs > 1 {
		s += fmt.Sprintf(" (median of %d)", runs)
	}
	return s + outcomes(n.Acked, runs, n.Refused, n.Failed)
}

func (d Deliveries) summary(raw float64) string {
	return fmt.Sprintf("p50 %s  p99 %s  max %s  (p99 %s of MoySklad's 1,500 ms)%s  ingest %s ev/s = %s raw",
		dur(d.P50), dur(d.P99), dur(d.Max), pct(float64(d.P99)/float64(moyskladBudget)),
		outcomes(d.Acked, d.Sent, d.Refused, d.Failed), num(d.EventsPerSecond()), ratio(d.EventsPerSecond(), raw))
}

// outcomes says how many were acknowledged, refused and left unanswered.
func outcomes(acked, sent, refused, failed int) string {
	s := fmt.Sprintf("  acked %s/%s", count(acked), count(sent))
	if refused > 0 {
		s += " refused " + count(refused)
	}
	if failed > 0 {
		s += " unanswered " + count(failed)
	}
	return s
}

// dups says how many deliveries were MoySklad's duplicates.
func dups(n int) string {
	if n == 0 {
		return ""
	}
	return " (" + count(n) + " duplicates)"
}

// growth is how ack time grows from one notification size to the next.
func growth(ns []Notification) string {
	var parts []string
	for i := 1; i < len(ns); i++ {
		a, b := ns[i-1], ns[i]
		if a.Acked == 0 || b.Acked == 0 || a.Median() <= 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s/%s events = %s for %s events",
			count(b.Events), count(a.Events), ratio(float64(b.Median()), float64(a.Median())),
			ratio(float64(b.Events), float64(a.Events))))
	}
	return strings.Join(parts, ", ")
}

// ingest is scenario 5: acknowledged events per second in the burst and at
// the highest rate, against the raw baseline.
func (r Report) ingest(raw float64) string {
	var parts []string
	if r.BurstSize > 0 {
		parts = append(parts, fmt.Sprintf("burst %s ev/s = %s raw (open connections: %s ev/s = %s raw)", num(r.Burst.EventsPerSecond()), ratio(r.Burst.EventsPerSecond(), raw),
			num(r.WarmBurst.EventsPerSecond()), ratio(r.WarmBurst.EventsPerSecond(), raw)))
	}
	if len(r.Rates) > 0 {
		top := r.Rates[0]
		for _, rt := range r.Rates {
			if rt.PerSecond > top.PerSecond {
				top = rt
			}
		}
		parts = append(parts, fmt.Sprintf("rate %s/s %s ev/s = %s raw", count(top.PerSecond), num(top.EventsPerSecond()), ratio(top.EventsPerSecond(), raw)))
	}
	return strings.Join(parts, "; ")
}

// printer writes until the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func dur(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	default:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
	}
}

func mb(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return count(int(b>>20)) + " MB"
}

func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }

func ratio(a, b float64) string {
	if b <= 0 {
		return "n/a"
	}
	digits := 1
	if a/b < 1 {
		digits = 2
	}
	return strconv.FormatFloat(a/b, 'f', digits, 64) + "x"
}

func num(f float64) string { return count(int(f + 0.5)) }

// count writes n with thousands separated by commas.
func count(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
