package loadtest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// LossError is a run in which an acknowledged document was never
// processed, or a document was processed more than once. Timings never
// make one.
type LossError struct {
	Lost    []string // acknowledged, processed 0 times
	Doubled []string // processed more than once
	Unknown []string // processed, never sent
}

func (e *LossError) Error() string {
	var parts []string
	if len(e.Lost) > 0 {
		parts = append(parts, fmt.Sprintf("%d acknowledged document(s) lost (%s)", len(e.Lost), few(e.Lost)))
	}
	if len(e.Doubled) > 0 {
		parts = append(parts, fmt.Sprintf("%d document(s) processed more than once (%s)", len(e.Doubled), few(e.Doubled)))
	}
	if len(e.Unknown) > 0 {
		parts = append(parts, fmt.Sprintf("%d document(s) processed that were never sent (%s)", len(e.Unknown), few(e.Unknown)))
	}
	return "loadtest: " + strings.Join(parts, "; ")
}

// few names the first documents of a list.
func few(docs []string) string {
	const n = 3
	if len(docs) <= n {
		return strings.Join(docs, ", ")
	}
	return strings.Join(docs[:n], ", ") + ", …"
}

// Verification compares what was acknowledged with what was processed.
type Verification struct {
	Documents    int // distinct documents sent
	Acknowledged int // of which acknowledged by some delivery
	Processed    int // documents processed at least once
	Runs         int // document jobs run
	Lost         []string
	Doubled      []string
	Unknown      []string
	// Pending is the jobs still unfinished when the wait ended.
	Pending int
	// Waited is how long processing took after resume.
	Waited time.Duration
}

// Err is a *LossError when something was lost, doubled or unknown.
func (v Verification) Err() error {
	if len(v.Lost)+len(v.Doubled)+len(v.Unknown) == 0 {
		return nil
	}
	return &LossError{Lost: v.Lost, Doubled: v.Doubled, Unknown: v.Unknown}
}

// verify checks every document: sent maps each sent document to whether
// it was acknowledged, runs counts each document's jobs. A refused
// document may have been processed once (stored, the answer lost) — that
// is neither a loss nor a double.
func verify(sent map[string]bool, runs map[string]int) Verification {
	v := Verification{Documents: len(sent)}
	for doc, acked := range sent {
		if acked {
			v.Acknowledged++
			if runs[doc] == 0 {
				v.Lost = append(v.Lost, doc)
			}
		}
	}
	for doc, n := range runs {
		v.Runs += n
		v.Processed++
		if n > 1 {
			v.Doubled = append(v.Doubled, doc)
		}
		if _, ok := sent[doc]; !ok {
			v.Unknown = append(v.Unknown, doc)
		}
	}
	slices.Sort(v.Lost)
	slices.Sort(v.Doubled)
	slices.Sort(v.Unknown)
	return v
}

// drain resumes processing and waits, up to limit, until every
// acknowledged document has run and no job is left; then it verifies.
// The wait ending at the limit is no failure by itself: what it left
// undone shows as lost.
func drain(ctx context.Context, t *target, l *ledger, limit time.Duration) (Verification, error) {
	start := time.Now()
	if err := t.resume(ctx); err != nil {
		return Verification{}, err
	}
	sent := l.documents()
	deadline := start.Add(limit)
	for {
		v := verify(sent, t.counts.snapshot())
		timeUp := time.Now().After(deadline)
		if len(v.Lost) == 0 || timeUp {
			// Counting jobs scans the job table: only once nothing
			// acknowledged is missing, to leave the workers the database.
			pending, err := t.pending(ctx)
			if err != nil {
				return Verification{}, fmt.Errorf("loadtest: count pending jobs: %w", err)
			}
			if pending == 0 || timeUp {
				v.Pending, v.Waited = pending, time.Since(start)
				return v, nil
			}
		}
		select {
		case <-ctx.Done():
			return Verification{}, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
