// Package provision prepares a MoySklad account for skladflow: the statuses
// of every flow on each watched document type, the custom fields for the
// CDEK number and the pickup point, and the webhook subscriptions
// (MoySklad's and CDEK's). It plans first, so an operator can see what
// would change (--dry-run), and it never creates anything twice: a second
// run plans nothing.
package provision

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows"
	"github.com/skladflow/skladflow/moysklad"
)

// MoySklad is what provisioning needs of the client.
type MoySklad interface {
	Metadata(ctx context.Context, entityType string) (*moysklad.Metadata, error)
	CreateState(ctx context.Context, entityType string, s moysklad.State) (*moysklad.State, error)
	Webhooks(ctx context.Context) ([]moysklad.Webhook, error)
	CreateWebhook(ctx context.Context, w moysklad.Webhook) (*moysklad.Webhook, error)
	UpdateWebhook(ctx context.Context, id string, w moysklad.Webhook) (*moysklad.Webhook, error)
	Attributes(ctx context.Context, entityType string) ([]moysklad.Attribute, error)
	CreateAttribute(ctx context.Context, entityType string, a moysklad.Attribute) (*moysklad.Attribute, error)
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

// NewCDEK builds the CDEK client of the configuration; nil without a cdek
// section.
func NewCDEK(cfg *config.Config, h *http.Client) (*cdek.Client, error) {
	if cfg.CDEK == nil {
		return nil, nil
	}
	return cdek.NewClient(cdek.Config{BaseURL: cfg.CDEK.BaseURL, ClientID: cfg.CDEK.ClientID, ClientSecret: cfg.CDEK.ClientSecret, HTTPClient: h})
}

// CDEKHookURL is where CDEK sends ORDER_STATUS pushes; it holds the secret.
func CDEKHookURL(cfg *config.Config) string {
	return strings.TrimRight(cfg.PublicURL, "/") + "/hooks/cdek/" + cfg.CDEK.WebhookSecret
}

// maskedHook is the hook URL as the operator sees it.
func maskedHook(cfg *config.Config) string {
	return strings.TrimRight(cfg.PublicURL, "/") + "/hooks/moysklad/•••"
}

// stateColor is the colour a status gets when skladflow creates it: green
// for success, red for errors, blue otherwise.
func stateColor(kind string) int64 {
	switch kind {
	case moysklad.StateSuccessful:
		return 0x22B14C
	case moysklad.StateUnsuccessful:
		return 0xED1C24
	}
	return 0x3F48CC
}

// Build reads the accounts and plans the missing statuses, custom fields
// and webhooks. With cd nil the CDEK subscription is not planned.
func Build(ctx context.Context, ms MoySklad, cd *cdek.Client, cfg *config.Config) (*Plan, error) {
	p := &Plan{}
	statuses := flows.Statuses(cfg)
	for _, typ := range flows.DocumentTypes(cfg) {
		md, err := ms.Metadata(ctx, typ)
		if err != nil {
			return nil, rights(fmt.Errorf("read statuses of %s: %w", typ, err))
		}
		have := map[string]bool{}
		for _, s := range md.States {
			have[s.Name] = true
		}
		for _, st := range statuses[typ] {
			if have[st.Name] {
				continue
			}
			have[st.Name] = true
			typ, st := typ, st
			p.Actions = append(p.Actions, Action{
				Text: fmt.Sprintf("create status %s «%s» (%s)", typ, st.Name, st.StateType),
				apply: func(ctx context.Context) error {
					_, err := ms.CreateState(ctx, typ, moysklad.State{Name: st.Name, Color: stateColor(st.StateType), StateType: st.StateType})
					return rights(err)
				},
			})
		}
	}
	if err := planAttributes(ctx, p, ms, cfg); err != nil {
		return nil, err
	}
	hooks, err := ms.Webhooks(ctx)
	if err != nil {
		return nil, rights(fmt.Errorf("read webhooks: %w", err))
	}
	url := HookURL(cfg)
	for _, typ := range flows.DocumentTypes(cfg) {
		for _, want := range subscriptions(typ, url) {
			planWebhook(p, ms, cfg, hooks, want)
		}
	}
	for _, typ := range flows.AssortmentTypes(cfg) {
		// A changed product or variant changes its warehouse cards: UPDATE
		// with the changed fields, so changes of other fields are dropped.
		planWebhook(p, ms, cfg, hooks, moysklad.Webhook{EntityType: typ, Action: moysklad.ActionUpdate, URL: url, DiffType: "FIELDS"})
	}
	if err := planCDEK(ctx, p, cd, cfg); err != nil {
		return nil, err
	}
	return p, nil
}

// subscriptions are the webhooks a watched document type needs: UPDATE
// with diffType FIELDS for status changes, and CREATE for documents made
// already in a command status (imported orders, copies), which fire no
// UPDATE (moysklad.md §2.1). diffType is allowed only on UPDATE (30009).
func subscriptions(typ, url string) []moysklad.Webhook {
	return []moysklad.Webhook{
		{EntityType: typ, Action: moysklad.ActionUpdate, URL: url, DiffType: "FIELDS"},
		{EntityType: typ, Action: moysklad.ActionCreate, URL: url},
	}
}

// planWebhook plans want unless an enabled subscription like it exists.
func planWebhook(p *Plan, ms MoySklad, cfg *config.Config, hooks []moysklad.Webhook, want moysklad.Webhook) {
	var found *moysklad.Webhook
	for i := range hooks {
		if hooks[i].EntityType == want.EntityType && hooks[i].Action == want.Action && hooks[i].URL == want.URL {
			found = &hooks[i]
		}
	}
	diff := ""
	if want.DiffType != "" {
		diff = ", diffType " + want.DiffType
	}
	switch {
	case found == nil:
		p.Actions = append(p.Actions, Action{
			Text: fmt.Sprintf("subscribe to %s changes: %s%s → %s", want.EntityType, want.Action, diff, maskedHook(cfg)),
			apply: func(ctx context.Context) error {
				_, err := ms.CreateWebhook(ctx, want)
				return rights(err)
			},
		})
	case found.Enabled != nil && !*found.Enabled || found.DiffType != want.DiffType && want.DiffType != "":
		id, on := found.ID, true
		want.Enabled = &on
		p.Actions = append(p.Actions, Action{
			Text: fmt.Sprintf("enable the %s %s subscription%s (MoySklad disabled it or it was made without)", want.EntityType, want.Action, diff),
			apply: func(ctx context.Context) error {
				_, err := ms.UpdateWebhook(ctx, id, want)
				return rights(err)
			},
		})
	}
}

// planAttributes plans the custom fields of the flows: for deliveries the
// one that receives the CDEK number and the one where staff write the
// pickup point for a tariff to an office or parcel locker; for customer
// orders at the warehouse the demand's track number, the order's pickup
// point and, when configured, its delivery service.
func planAttributes(ctx context.Context, p *Plan, ms MoySklad, cfg *config.Config) error {
	var types []string
	fields := map[string]map[string]string{} // type → name → what for
	add := func(typ, name, why string) {
		if name == "" {
			return
		}
		if fields[typ] == nil {
			fields[typ] = map[string]string{}
			types = append(types, typ)
		}
		fields[typ][name] = why
	}
	if k := cfg.CDEK; k != nil {
		for _, typ := range k.Documents {
			add(typ, k.NumberAttribute, "the CDEK number")
			if k.ToPoint() {
				add(typ, k.PickupPointAttribute, "the CDEK pickup point code")
			}
		}
	}
	if o := cfg.Orders; o != nil {
		add(moysklad.TypeDemand, o.TrackAttribute, "the track number of an order shipped by the warehouse")
		add(moysklad.TypeCustomerOrder, o.PickupPointAttribute, "the pickup point of an order shipped by the warehouse")
		add(moysklad.TypeCustomerOrder, o.DeliveryAttribute, "the warehouse's delivery service (delivery_id)")
	}
	for _, typ := range types {
		attrs, err := ms.Attributes(ctx, typ)
		if err != nil {
			return rights(fmt.Errorf("read custom fields of %s: %w", typ, err))
		}
		for _, name := range slices.Sorted(maps.Keys(fields[typ])) {
			if slices.ContainsFunc(attrs, func(a moysklad.Attribute) bool { return a.Name == name }) {
				continue
			}
			typ, name := typ, name
			p.Actions = append(p.Actions, Action{
				Text: fmt.Sprintf("create custom field %s «%s» (text) for %s", typ, name, fields[typ][name]),
				apply: func(ctx context.Context) error {
					_, err := ms.CreateAttribute(ctx, typ, moysklad.Attribute{Name: name, Type: moysklad.AttributeString})
					return rights(err)
				},
			})
		}
	}
	return nil
}

// planCDEK plans the ORDER_STATUS subscription, unless it exists: CDEK
// makes a second subscription for a repeated call and then pushes twice.
func planCDEK(ctx context.Context, p *Plan, cd *cdek.Client, cfg *config.Config) error {
	if cfg.CDEK == nil || cd == nil {
		return nil
	}
	hooks, err := cd.Webhooks(ctx)
	if err != nil {
		return fmt.Errorf("read CDEK webhooks: %w", err)
	}
	url := CDEKHookURL(cfg)
	if slices.ContainsFunc(hooks, func(h cdek.Webhook) bool { return h.Type == "ORDER_STATUS" && h.URL == url }) {
		return nil
	}
	p.Actions = append(p.Actions, Action{
		Text: "subscribe to CDEK ORDER_STATUS pushes → " + strings.TrimRight(cfg.PublicURL, "/") + "/hooks/cdek/•••",
		apply: func(ctx context.Context) error {
			_, err := cd.Subscribe(ctx, url)
			return err
		},
	})
	return nil
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
