package loadtest

import (
	"math"
	"slices"
	"time"
)

// Deliveries sums up the deliveries of one scenario.
type Deliveries struct {
	Sent    int // deliveries started
	Acked   int // answered 200/204, resends included
	Refused int // still refused after MoySklad's 3 resends: not acknowledged, not a loss
	Failed  int // no answer (timeout, connection): MoySklad drops these
	Resends int // POSTs beyond the first of each delivery
	// Duplicates are the deliveries that repeat another (new or same
	// request id), counted in Sent.
	Duplicates int
	// Events is the number of events in acknowledged deliveries,
	// duplicates included: what the edge had to take.
	Events int
	// P50, P99 and Max are the latencies from a delivery's first POST to its
	// last answer.
	P50, P99, Max time.Duration
	// Elapsed runs from the first POST to the last answer.
	Elapsed time.Duration
	// MostInFlight is the most deliveries awaiting an answer at once: each
	// holds a connection and its buffers on both sides.
	MostInFlight int
}

// EventsPerSecond is the ingest rate: acknowledged events over the
// scenario's wall time.
func (d Deliveries) EventsPerSecond() float64 { return perSecond(d.Events, d.Elapsed) }

// AnsweredPerSecond is the achieved rate: deliveries answered (acknowledged
// or finally refused) over the scenario's wall time.
func (d Deliveries) AnsweredPerSecond() float64 {
	return perSecond(d.Acked+d.Refused, d.Elapsed)
}

// tally sums outcomes up; out[i] is the outcome of ds[i].
func tally(ds []delivery, out []outcome, elapsed time.Duration) Deliveries {
	r := Deliveries{Sent: len(out), Elapsed: elapsed}
	lat := make([]time.Duration, 0, len(out))
	for i, o := range out {
		if o.attempts == 0 {
			r.Sent-- // never started (the run was cancelled)
			continue
		}
		r.Resends += o.attempts - 1
		if ds[i].duplicate {
			r.Duplicates++
		}
		switch {
		case o.acked:
			r.Acked++
			r.Events += len(ds[i].docs)
		case o.failed:
			r.Failed++
		default:
			r.Refused++
		}
		lat = append(lat, o.latency)
	}
	r.P50, r.P99, r.Max = quantile(lat, 0.50), quantile(lat, 0.99), quantile(lat, 1)
	return r
}

// quantile is the nearest-rank quantile q of ds (sorted in place).
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(math.Ceil(q*float64(len(ds)))) - 1
	return ds[max(0, min(i, len(ds)-1))]
}
