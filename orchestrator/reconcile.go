package orchestrator

import (
	"context"
	"fmt"
	"slices"
	"strings"

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

type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	o *Orchestrator
}

func (w *reconcileWorker) Work(ctx context.Context, _ *river.Job[ReconcileArgs]) error {
	_, err := w.o.Reconcile(ctx)
	return w.o.queueAnswer(err)
}

// Findings is what one reconciliation pass found.
type Findings struct {
	Commands        int // documents sitting in a command status, queued as if notified
	WebhooksEnabled int // disabled subscriptions turned back on
	WebhooksMissing []string
	OutdocsDeleted  int // warehouse documents deleted before skladflow applied them
}

// Reconcile finds what notifications did not bring: MoySklad drops a
// notification that timed out and never resends it, and disables a
// webhook whose receiver failed for days.
func (o *Orchestrator) Reconcile(ctx context.Context) (Findings, error) {
	var f Findings
	now := o.cfg.Now()
	for _, cmd := range o.commands() {
		typ, status := cmd[0], cmd[1]
		docs, err := o.ms.ListDocuments(ctx, typ, "state.name="+status)
		if err != nil {
			return f, fmt.Errorf("list %s in «%s»: %w", typ, status, err)
		}
		var events []storage.InboxEvent
		for _, d := range docs {
			// A document with events not yet processed is being worked on
			// (or retried); any other one sitting in a command status was
			// missed, or its work was given up: queue it again.
			busy, err := o.store.HasUnprocessed(ctx, typ, d.ID)
			if err != nil {
				return f, err
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
			if err := o.store.AddTimeline(ctx, storage.TimelineEntry{DocType: typ, DocID: d.ID, At: now, Kind: "reconcile",
				Message: fmt.Sprintf("сверка: документ в статусе «%s», уведомления о нём нет — обрабатываю", status)}); err != nil {
				return f, err
			}
		}
		if len(events) == 0 {
			continue
		}
		n, err := o.store.AcceptEvents(ctx, "", SourceReconcile, events)
		if err != nil {
			return f, err
		}
		f.Commands += n
		if n > 0 {
			o.log.Warn("reconciliation found documents no notification brought", "type", typ, "count", n)
		}
	}
	if o.cfg.HookURL != "" {
		if err := o.reconcileWebhooks(ctx, &f); err != nil {
			return f, err
		}
	}
	for i := range o.cfg.Warehouses {
		n, err := o.reconcileDeleted(ctx, &o.cfg.Warehouses[i])
		if err != nil {
			return f, err
		}
		f.OutdocsDeleted += n
	}
	return f, nil
}

// commands are the (document type, command status) pairs reconciliation
// looks for.
func (o *Orchestrator) commands() [][2]string {
	var out [][2]string
	for _, typ := range o.cfg.DocumentTypes {
		out = append(out, [2]string{typ, o.cfg.Statuses.Submit})
	}
	if d := o.cfg.Delivery; d != nil {
		for _, typ := range d.Config.Documents {
			out = append(out, [2]string{typ, o.cfg.Statuses.CDEKSubmit})
		}
	}
	return out
}

// watchedTypes are every document type skladflow acts on.
func (o *Orchestrator) watchedTypes() []string {
	out := slices.Clone(o.cfg.DocumentTypes)
	if d := o.cfg.Delivery; d != nil {
		out = append(out, d.Config.Documents...)
	}
	return out
}

// reconcileDeleted asks the warehouse which of the documents skladflow has
// not applied yet still exist: an unlocked document may be deleted by the
// warehouse (FBox outdocs/check). Those are dropped, with a timeline entry.
func (o *Orchestrator) reconcileDeleted(ctx context.Context, wh *Warehouse) (int, error) {
	pending, err := o.store.OutdocsWithStatus(ctx, wh.Name, storage.OutdocNew, storage.OutdocFailed)
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	ids := make([]int64, len(pending))
	byID := map[int64]storage.Outdoc{}
	for i, od := range pending {
		ids[i], byID[od.OutdocID] = od.OutdocID, od
	}
	missing, err := wh.API.CheckOutdocs(ctx, ids...)
	if err != nil {
		return 0, fmt.Errorf("check outdocs at %s: %w", wh.Name, err)
	}
	for _, id := range missing {
		od := byID[id]
		if err := o.store.UpdateOutdoc(ctx, wh.Name, id, func(x *storage.Outdoc) error {
			x.Status, x.Error = storage.OutdocDeleted, "удалён складом до приёмки"
			return nil
		}); err != nil {
			return 0, err
		}
		o.log.Warn("warehouse deleted a document before it was applied", "warehouse", wh.Name, "outdoc", id, "indoc", od.IndocID)
		if row, err := o.store.DocumentByIndoc(ctx, od.IndocID); err == nil {
			if err := o.note(ctx, row, storage.TimelineEntry{Kind: "event",
				Message: fmt.Sprintf("склад %s удалил документ %d до его приёмки", wh.Name, id)}); err != nil {
				return 0, err
			}
		}
	}
	return len(missing), nil
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
