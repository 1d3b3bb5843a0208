package orchestrator

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// SourceReconcile marks inbox events found by reconciliation rather than
// delivered by a webhook.
const SourceReconcile = "reconcile"

// ReconcileArgs runs one reconciliation pass.
type ReconcileArgs struct{}

func (ReconcileArgs) Kind() string { return "reconcile" }

func (ReconcileArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateScheduled, rivertype.JobStateRetryable,
	}}}
}

// clockSkew bounds how far two replicas' clocks may differ.
const clockSkew = 2 * time.Second

// notificationDelay is how long after a change its notification may still
// be on its way: MoySklad sends it within moments and gives up on a
// receiver after 1.5 s (moysklad.md §1), so 3 s leaves room for the
// clocks.
const notificationDelay = 3 * time.Second

// Findings is what one reconciliation pass found.
type Findings struct {
	Commands        int // documents sitting in a command status, queued as if notified
	WebhooksEnabled int // disabled subscriptions turned back on
	WebhooksMissing []string
	Flows           int // what the flows' own reconciliation found
}

// Reconcile finds what notifications did not bring: MoySklad drops a
// notification that timed out and never resends it, and disables a
// webhook whose receiver failed for days.
func (o *Orchestrator) Reconcile(ctx context.Context) (Findings, error) {
	var f Findings
	now := o.cfg.Now()
	// A document changed a moment ago may have its notification still on
	// its way: it is looked at last, once that had time to arrive.
	type freshDocs struct {
		typ, status string
		listed      time.Time
		docs        []moysklad.Document
	}
	var fresh []freshDocs
	var last time.Time
	for _, cmd := range o.commands() {
		typ, status := cmd[0], cmd[1]
		// Replicas' clocks differ by a little: a job another replica
		// finished just after the list was read must still count as after.
		listed := o.cfg.Now().Add(-clockSkew)
		docs, err := o.ms.ListDocuments(ctx, typ, "state.name="+status)
		if err != nil {
			return f, fmt.Errorf("list %s in «%s»: %w", typ, status, err)
		}
		var settled, recent []moysklad.Document
		for _, d := range docs {
			if d.Updated.After(now.Add(-notificationDelay)) {
				recent = append(recent, d)
				if d.Updated.After(last) {
					last = d.Updated.Time
				}
				continue
			}
			settled = append(settled, d)
		}
		if len(recent) > 0 {
			fresh = append(fresh, freshDocs{typ, status, listed, recent})
		}
		n, err := o.queueMissed(ctx, typ, status, listed, now, settled)
		if err != nil {
			return f, err
		}
		f.Commands += n
	}
	if o.cfg.HookURL != "" {
		if err := o.reconcileWebhooks(ctx, &f); err != nil {
			return f, err
		}
	}
	for _, fl := range o.flows {
		if r, ok := fl.(Reconciler); ok {
			n, err := r.Reconcile(ctx)
			if err != nil {
				return f, fmt.Errorf("%s flow: %w", fl.Table().Name(), err)
			}
			f.Flows += n
		}
	}
	for _, j := range o.jobs {
		if r, ok := j.(Reconciler); ok {
			n, err := r.Reconcile(ctx)
			if err != nil {
				return f, err
			}
			f.Flows += n
		}
	}
	if len(fresh) > 0 {
		t := time.NewTimer(time.Until(last.Add(notificationDelay)))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return f, ctx.Err()
		}
		for _, g := range fresh {
			n, err := o.queueMissed(ctx, g.typ, g.status, g.listed, now, g.docs)
			if err != nil {
				return f, err
			}
			f.Commands += n
		}
	}
	return f, nil
}

// queueMissed queues the documents of typ sitting in a command status that
// nothing is working on. A document with events not yet processed is
// being worked on (or retried), and one worked since the list was read
// (listed) has left the status the list shows; any other one was missed,
// or its work was given up.
func (o *Orchestrator) queueMissed(ctx context.Context, typ, status string, listed, now time.Time, docs []moysklad.Document) (int, error) {
	var events []storage.InboxEvent
	for _, d := range docs {
		busy, err := o.store.HasUnprocessed(ctx, typ, d.ID)
		if err == nil && !busy {
			busy, err = o.store.ProcessedSince(ctx, typ, d.ID, listed)
		}
		if err != nil {
			return 0, err
		}
		if busy {
			continue
		}
		events = append(events, storage.InboxEvent{
			Source:     SourceReconcile,
			EventKey:   fmt.Sprintf("%s/%s/%d", typ, d.ID, now.UnixNano()),
			DocType:    typ,
			DocID:      d.ID,
			ReceivedAt: now,
		})
		if err := o.store.AddTimeline(ctx, storage.TimelineEntry{DocType: typ, DocID: d.ID, At: now, Kind: storage.KindReconcile,
			Message: fmt.Sprintf("сверка: документ в статусе «%s», уведомления о нём нет — обрабатываю", status)}); err != nil {
			return 0, err
		}
	}
	if len(events) == 0 {
		return 0, nil
	}
	n, err := o.store.AcceptEvents(ctx, "", SourceReconcile, events)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		o.log.Warn("reconciliation found documents no notification brought", "type", typ, "count", n)
	}
	return n, nil
}

// commands are the (document type, command status) pairs reconciliation
// looks for, each once: flows sharing a type may share a command
// («Передать» on a move in or out of a warehouse).
func (o *Orchestrator) commands() [][2]string {
	var out [][2]string
	for _, f := range o.flows {
		for _, typ := range f.DocumentTypes() {
			for _, st := range f.Commands() {
				if c := [2]string{typ, st}; !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// watchedTypes are every document type skladflow acts on.
func (o *Orchestrator) watchedTypes() []string {
	var out []string
	for _, f := range o.flows {
		out = append(out, f.DocumentTypes()...)
	}
	return out
}

// reconcileWebhooks turns back on the subscriptions MoySklad disabled.
func (o *Orchestrator) reconcileWebhooks(ctx context.Context, f *Findings) error {
	hooks, err := o.ms.Webhooks(ctx)
	if err != nil {
		return fmt.Errorf("list webhooks: %w", err)
	}
	have := map[string]bool{}
	disabled := 0
	defer func() { o.cfg.Metrics.DisabledWebhooks.Set(float64(disabled)) }()
	for _, h := range hooks {
		if h.URL != o.cfg.HookURL {
			continue
		}
		have[h.EntityType] = true
		if h.Enabled != nil && !*h.Enabled {
			disabled++
			on := true
			if _, err := o.ms.UpdateWebhook(ctx, h.ID, moysklad.Webhook{EntityType: h.EntityType, Action: h.Action, URL: h.URL, Enabled: &on}); err != nil {
				return fmt.Errorf("re-enable webhook for %s: %w", h.EntityType, err)
			}
			f.WebhooksEnabled++
			o.log.Warn("MoySklad had disabled the webhook; enabled it again", "type", h.EntityType)
		}
	}
	for _, typ := range o.watchedTypes() {
		if !have[typ] {
			f.WebhooksMissing = append(f.WebhooksMissing, typ)
		}
	}
	if len(f.WebhooksMissing) > 0 {
		o.log.Error("no MoySklad webhook for these document types", "types", strings.Join(f.WebhooksMissing, ","))
	}
	return nil
}
