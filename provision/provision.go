// Package provision prepares a MoySklad account for skladflow: the statuses
// of every flow on each watched document type, and the webhook
// subscriptions. It plans first, so an operator can see what would change
// (--dry-run), and it never creates anything twice: a second run plans
// nothing.
package provision

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
)

// MoySklad is what provisioning needs of the client.
type MoySklad interface {
	Metadata(ctx context.Context, entityType string) (*moysklad.Metadata, error)
	CreateState(ctx context.Context, entityType string, s moysklad.State) (*moysklad.State, error)
	Webhooks(ctx context.Context) ([]moysklad.Webhook, error)
	CreateWebhook(ctx context.Context, w moysklad.Webhook) (*moysklad.Webhook, error)
	UpdateWebhook(ctx context.Context, id string, w moysklad.Webhook) (*moysklad.Webhook, error)
}

// Action is one change the plan makes.
type Action struct {
	// Text says what changes, for the operator; it never holds a secret.
	Text  string
	apply func(context.Context) error
}

// Plan is what setup would change.
type Plan struct {
	Actions []Action
}

// ErrRights means the token may not manage statuses or webhooks.
var ErrRights = errors.New("the MoySklad token needs administrator rights to manage statuses and webhooks")

// HookURL is where MoySklad sends notifications; it holds the secret.
func HookURL(cfg *config.Config) string {
	return strings.TrimRight(cfg.PublicURL, "/") + "/hooks/moysklad/" + cfg.MoySklad.WebhookSecret
}

// maskedHook is the hook URL as the operator sees it.
func maskedHook(cfg *config.Config) string {
	return strings.TrimRight(cfg.PublicURL, "/") + "/hooks/moysklad/•••"
}

// Build reads the account and plans the missing statuses and webhooks.
func Build(ctx context.Context, ms MoySklad, cfg *config.Config) (*Plan, error) {
	p := &Plan{}
	for _, typ := range cfg.MoySklad.Documents {
		md, err := ms.Metadata(ctx, typ)
		if err != nil {
			return nil, rights(fmt.Errorf("read statuses of %s: %w", typ, err))
		}
		have := map[string]bool{}
		for _, s := range md.States {
			have[s.Name] = true
		}
		for _, st := range orchestrator.InboundStates(cfg.Statuses) {
			if have[st.Name] {
				continue
			}
			have[st.Name] = true
			typ, st := typ, st
			p.Actions = append(p.Actions, Action{
				Text: fmt.Sprintf("create status %s «%s» (%s)", typ, st.Name, st.Kind),
				apply: func(ctx context.Context) error {
					_, err := ms.CreateState(ctx, typ, moysklad.State{Name: st.Name, Color: orchestrator.StateColor(st.Kind), StateType: st.Kind})
					return rights(err)
				},
			})
		}
	}
	hooks, err := ms.Webhooks(ctx)
	if err != nil {
		return nil, rights(fmt.Errorf("read webhooks: %w", err))
	}
	url := HookURL(cfg)
	for _, typ := range cfg.MoySklad.Documents {
		var found *moysklad.Webhook
		for i := range hooks {
			if hooks[i].EntityType == typ && hooks[i].Action == moysklad.ActionUpdate && hooks[i].URL == url {
				found = &hooks[i]
			}
		}
		typ := typ
		switch {
		case found == nil:
			p.Actions = append(p.Actions, Action{
				Text: fmt.Sprintf("subscribe to %s changes: UPDATE, diffType FIELDS → %s", typ, maskedHook(cfg)),
				apply: func(ctx context.Context) error {
					_, err := ms.CreateWebhook(ctx, moysklad.Webhook{EntityType: typ, Action: moysklad.ActionUpdate, URL: url, DiffType: "FIELDS"})
					return rights(err)
				},
			})
		case found.Enabled != nil && !*found.Enabled || found.DiffType != "FIELDS":
			id, on := found.ID, true
			p.Actions = append(p.Actions, Action{
				Text: fmt.Sprintf("enable the %s subscription with diffType FIELDS (MoySklad disabled it or it was made without)", typ),
				apply: func(ctx context.Context) error {
					_, err := ms.UpdateWebhook(ctx, id, moysklad.Webhook{EntityType: typ, Action: moysklad.ActionUpdate, URL: url, DiffType: "FIELDS", Enabled: &on})
					return rights(err)
				},
			})
		}
	}
	return p, nil
}

// Apply makes the planned changes, stopping at the first failure.
func (p *Plan) Apply(ctx context.Context) error {
	for _, a := range p.Actions {
		if err := a.apply(ctx); err != nil {
			return fmt.Errorf("%s: %w", a.Text, err)
		}
	}
	return nil
}

// rights turns MoySklad's "no rights" answers into ErrRights.
func rights(err error) error {
	var api *moysklad.APIError
	if errors.As(err, &api) && (api.Status == http.StatusForbidden || api.HasCode(30004) || api.HasCode(1016) || api.HasCode(1017)) {
		return fmt.Errorf("%w: %v", ErrRights, err)
	}
	return err
}
