package loadtest

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// runner runs the scenarios against one target, noting every document in
// the ledger.
type runner struct {
	client *client
	ledger *ledger
	// inFlight counts deliveries awaiting their answer; mostInFlight is
	// its high mark since the last takeMostInFlight.
	inFlight, mostInFlight atomic.Int64
}

// send delivers d and notes it.
func (r *runner) send(ctx context.Context, d delivery) outcome {
	n := r.inFlight.Add(1)
	for m := r.mostInFlight.Load(); n > m && !r.mostInFlight.CompareAndSwap(m, n); m = r.mostInFlight.Load() {
	}
	o := r.client.deliver(ctx, d)
	r.inFlight.Add(-1)
	r.ledger.record(d, o)
	return o
}

// takeMostInFlight is the most deliveries in flight at once since the last
// call.
func (r *runner) takeMostInFlight() int { return int(r.mostInFlight.Swap(0)) }

// Notification is the answers to single notifications of one size.
type Notification struct {
	Events                 int
	Acked, Refused, Failed int
	// Latencies are each repeat's time to its last answer.
	Latencies []time.Duration
}

// Median is the median time to the last answer.
func (n Notification) Median() time.Duration {
	return quantile(append([]time.Duration(nil), n.Latencies...), 0.5)
}

// notifications sends one notification of each size, repeats times, one
// after the other: the ack time of a single bulk status change.
func (r *runner) notifications(ctx context.Context, sizes []int, repeats int) []Notification {
	out := make([]Notification, len(sizes))
	for i, n := range sizes {
		out[i].Events = n
		for range repeats {
			if ctx.Err() != nil {
				return out
			}
			body, docs := statusChanges(n)
			o := r.send(ctx, delivery{requestID: newRequestID(), body: body, docs: docs})
			switch {
			case o.acked:
				out[i].Acked++
			case o.failed:
				out[i].Failed++
			default:
				out[i].Refused++
			}
			out[i].Latencies = append(out[i].Latencies, o.latency)
		}
	}
	return out
}

// burst starts n deliveries (one event each, duplicates included) at the
// same moment.
func (r *runner) burst(ctx context.Context, n int) Deliveries {
	ds := plan(n)
	out := make([]outcome, n)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range ds {
		wg.Go(func() {
			<-gate
			out[i] = r.send(ctx, ds[i])
		})
	}
	r.takeMostInFlight()
	start := time.Now()
	close(gate)
	wg.Wait()
	res := tally(ds, out, time.Since(start))
	res.MostInFlight = r.takeMostInFlight()
	return res
}

// Rate is a fixed-rate scenario's result.
type Rate struct {
	PerSecond int
	Duration  time.Duration
	// Planned is how many deliveries the schedule had; Sent in Deliveries
	// says how many started before the time bound.
	Planned int
	// MaxLag is how late the generator started a delivery at worst: a
	// large lag means the machine, not the edge, set the pace.
	MaxLag time.Duration
	Deliveries
}

// rate starts perSecond deliveries a second for d, open loop: each starts
// on its schedule whatever the answers to the others. Bounded in count
// (perSecond × d) and in time (nothing starts after d plus a second).
func (r *runner) rate(ctx context.Context, perSecond int, d time.Duration) Rate {
	n := max(1, int(float64(perSecond)*d.Seconds()))
	ds := plan(n)
	out := make([]outcome, n)
	interval := time.Second / time.Duration(perSecond)
	res := Rate{PerSecond: perSecond, Duration: d, Planned: n}
	var wg sync.WaitGroup
	r.takeMostInFlight()
	start := time.Now()
	stopAt := start.Add(d + time.Second)
	for i := range ds {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
		now := time.Now()
		if ctx.Err() != nil || now.After(stopAt) {
			break
		}
		res.MaxLag = max(res.MaxLag, now.Sub(due))
		wg.Go(func() { out[i] = r.send(ctx, ds[i]) })
	}
	wg.Wait()
	res.Deliveries = tally(ds, out, time.Since(start))
	res.MostInFlight = r.takeMostInFlight()
	return res
}
