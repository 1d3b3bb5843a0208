package skladflowtest

import (
	"context"
	"fmt"
	"time"

	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/storage"
)

// Receive makes the warehouse report a receipt of its task indoc and has
// skladflow read the feed now. It returns the warehouse document's id.
func (h *Harness) Receive(ctx context.Context, indoc string, lines ...fboxtest.Line) (int64, error) {
	if h.Service == nil {
		return 0, ErrNoService
	}
	id, err := h.FBox.Receive(indoc, lines...)
	if err != nil {
		return 0, err
	}
	return id, h.Service.PollNow(ctx)
}

// ProcessNow runs the document's flow now, as if MoySklad had notified a
// change (the event goes through the inbox like a webhook's), and waits
// until its events are processed. It needs no notification, so it also
// works with MoySklad's webhooks disabled.
func (h *Harness) ProcessNow(ctx context.Context, typ, id string) error {
	if h.Service == nil {
		return ErrNoService
	}
	_, err := h.Service.Store.AcceptEvents(ctx, "", "skladflowtest", []storage.InboxEvent{{
		EventKey: fmt.Sprintf("skladflowtest/%s/%s/%d", typ, id, time.Now().UnixNano()), DocType: typ, DocID: id,
	}})
	if err != nil {
		return err
	}
	return h.WaitProcessed(ctx, typ, id)
}

// WaitProcessed waits until no event about the document is left
// unprocessed.
func (h *Harness) WaitProcessed(ctx context.Context, typ, id string) error {
	if h.Service == nil {
		return ErrNoService
	}
	var busy bool
	var err error
	return h.poll(ctx, func() bool {
		busy, err = h.Service.Store.HasUnprocessed(ctx, typ, id)
		return err == nil && !busy
	}, func() string { return fmt.Sprintf("%s %s: events still unprocessed (error %v)", typ, id, err) })
}
