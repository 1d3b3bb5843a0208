// Package metrics keeps skladflow's counters and gauges and writes them in
// the Prometheus text format. It is small on purpose: a handful of series,
// no dependency.
package metrics

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Vec is a counter or gauge with labels.
type Vec struct {
	name, help, kind string
	labels           []string
	mu               sync.Mutex
	values           map[string]float64 // label values joined by \xff
}

func (v *Vec) key(values []string) string {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("metrics: %s takes %d labels", v.name, len(v.labels)))
	}
	return strings.Join(values, "\xff")
}

// Add adds delta to the series with these label values.
func (v *Vec) Add(delta float64, values ...string) {
	k := v.key(values)
	v.mu.Lock()
	v.values[k] += delta
	v.mu.Unlock()
}

// Inc adds one.
func (v *Vec) Inc(values ...string) { v.Add(1, values...) }

// Set sets a gauge.
func (v *Vec) Set(x float64, values ...string) {
	k := v.key(values)
	v.mu.Lock()
	v.values[k] = x
	v.mu.Unlock()
}

// Value reads a series (tests, and gauges computed from others).
func (v *Vec) Value(values ...string) float64 {
	k := v.key(values)
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.values[k]
}

// Each calls f for every series, in label order.
func (v *Vec) Each(f func(labels []string, value float64)) {
	v.mu.Lock()
	keys := make([]string, 0, len(v.values))
	for k := range v.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]float64, len(keys))
	for i, k := range keys {
		vals[i] = v.values[k]
	}
	v.mu.Unlock()
	for i, k := range keys {
		f(strings.Split(k, "\xff"), vals[i])
	}
}

func (v *Vec) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", v.name, v.help, v.name, v.kind)
	v.mu.Lock()
	keys := make([]string, 0, len(v.values))
	for k := range v.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s%s %g\n", v.name, labels(v.labels, k), v.values[k])
	}
	v.mu.Unlock()
}

func labels(names []string, key string) string {
	if len(names) == 0 {
		return ""
	}
	vals := strings.Split(key, "\xff")
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s=%q", n, vals[i])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// Registry holds the series and the functions that refresh gauges at
// scrape time.
type Registry struct {
	mu       sync.Mutex
	vecs     []*Vec
	collects []func()
}

// New makes an empty registry.
func New() *Registry { return &Registry{} }

func (r *Registry) vec(kind, name, help string, labels ...string) *Vec {
	v := &Vec{name: name, help: help, kind: kind, labels: labels, values: map[string]float64{}}
	r.mu.Lock()
	r.vecs = append(r.vecs, v)
	r.mu.Unlock()
	return v
}

// Counter adds a counter.
func (r *Registry) Counter(name, help string, labels ...string) *Vec {
	return r.vec("counter", name, help, labels...)
}

// Gauge adds a gauge.
func (r *Registry) Gauge(name, help string, labels ...string) *Vec {
	return r.vec("gauge", name, help, labels...)
}

// OnScrape runs f before every scrape, to refresh gauges.
func (r *Registry) OnScrape(f func()) {
	r.mu.Lock()
	r.collects = append(r.collects, f)
	r.mu.Unlock()
}

// Refresh runs the scrape-time functions.
func (r *Registry) Refresh() {
	r.mu.Lock()
	collects := append([]func(){}, r.collects...)
	r.mu.Unlock()
	for _, f := range collects {
		f()
	}
}

// ServeHTTP writes every series in the Prometheus text format.
func (r *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	r.Refresh()
	r.mu.Lock()
	vecs := append([]*Vec{}, r.vecs...)
	r.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	for _, v := range vecs {
		v.write(w)
	}
}

// Transport counts outbound requests by peer and status code ("error" when
// no answer came) and 429 answers.
func Transport(base http.RoundTripper, calls *Vec, peer string) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(req)
		code := "error"
		if err == nil {
			code = fmt.Sprint(resp.StatusCode)
		}
		calls.Inc(peer, code)
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
