package skladflowtest

import (
	"context"
	"fmt"
	"time"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// pollEvery is how often the Wait helpers look again.
const pollEvery = 20 * time.Millisecond

// poll calls done until it reports true, the context ends, or
// Options.WaitTimeout passes when the context has no deadline. On time-out
// the error is what describe says about the last look.
func (h *Harness) poll(ctx context.Context, done func() bool, describe func() string) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.opts.WaitTimeout)
		defer cancel()
	}
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for !done() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", describe(), ctx.Err())
		case <-tick.C:
		}
	}
	return nil
}

// WaitStatus waits until MoySklad shows the document in status and returns
// it. The error names the status and comment it is in instead.
func (h *Harness) WaitStatus(ctx context.Context, typ, id, status string) (moysklad.Document, error) {
	var d moysklad.Document
	var err error
	wait := h.poll(ctx, func() bool {
		d, err = h.MoySklad.Document(typ, id)
		return err == nil && d.StateName() == status
	}, func() string {
		return fmt.Sprintf("status %q not reached; document is in %q with comment:\n%s", status, d.StateName(), d.Description)
	})
	return d, wait
}

// WaitDocument waits until skladflow's record of the document satisfies ok
// and returns it.
func (h *Harness) WaitDocument(ctx context.Context, typ, id string, ok func(storage.Document) bool) (storage.Document, error) {
	if h.Service == nil {
		return storage.Document{}, ErrNoService
	}
	var r storage.Document
	var err error
	wait := h.poll(ctx, func() bool {
		r, err = h.Service.Store.Document(ctx, typ, id)
		return err == nil && ok(r)
	}, func() string {
		return fmt.Sprintf("%s %s: record not as awaited (state %q, error %v)", typ, id, r.State, err)
	})
	return r, wait
}

// WaitState waits until skladflow's record reaches a flow state: it is
// committed just after the MoySklad write, so a test that saw the status
// waits for this before reading the record.
func (h *Harness) WaitState(ctx context.Context, typ, id, state string) (storage.Document, error) {
	r, err := h.WaitDocument(ctx, typ, id, func(r storage.Document) bool { return r.State == state })
	if err != nil {
		err = fmt.Errorf("flow state %q not reached: %w", state, err)
	}
	return r, err
}

// WaitTimeline waits until the document's timeline satisfies ok and
// returns it.
func (h *Harness) WaitTimeline(ctx context.Context, typ, id string, ok func([]storage.TimelineEntry) bool) ([]storage.TimelineEntry, error) {
	if h.Service == nil {
		return nil, ErrNoService
	}
	var tl []storage.TimelineEntry
	var err error
	wait := h.poll(ctx, func() bool {
		tl, err = h.Service.Store.Timeline(ctx, typ, id)
		return err == nil && ok(tl)
	}, func() string {
		return fmt.Sprintf("%s %s: timeline not as awaited (%d entries, error %v)", typ, id, len(tl), err)
	})
	return tl, wait
}
