// Package returns is the flow of the orders the warehouse takes back
// (issue 12 §1): orders_full_return, orders_part_return and
// orders_client_return become posted salesreturns («Возврат покупателя»)
// built on the order's demand, one per store that books the units; the
// customer order and its demand get «Возврат» or «Частичный возврат». A
// client return that matches no order skladflow shipped is booked for a
// configured counterparty, flagged for staff.
package returns

import (
	"context"
	"errors"
	"slices"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
)

// Documents is what the flow needs of MoySklad beyond the machinery's
// client: creating and deleting documents (moysklad.Client has it).
type Documents interface {
	Template(ctx context.Context, typ string, base *moysklad.Ref) (*moysklad.Document, error)
	Create(ctx context.Context, typ string, doc moysklad.Document, syncID string, expand ...string) (*moysklad.Document, error)
	DeleteDocument(ctx context.Context, entityType, id string) error
}

// Alerter tells support about a problem once (alerts.Alerter implements it).
type Alerter interface {
	Raise(ctx context.Context, key, text string)
}

// Config configures the flow. Every value comes from a validated
// configuration, where the defaults are.
type Config struct {
	// Feed is the warehouses' document feed. Required.
	Feed *feed.Feed
	// Statuses are the MoySklad status names. Required.
	Statuses config.Statuses
	// Returns is the returns section (the counterparty of unlinked
	// returns). Defaults to none: such returns are not booked.
	Returns config.Returns
	// Documents creates and deletes salesreturns and enters. Defaults to
	// the machinery's MoySklad client, which must then implement it.
	Documents Documents
	// Alerts is told about closed periods, unknown goods and unlinked
	// returns that cannot be booked. Optional.
	Alerts Alerter
}

// Flow is the returns flow. It owns no MoySklad document type: it writes
// to customer orders under the orders flow's lease and table.
type Flow struct {
	cfg Config
	o   *orchestrator.Orchestrator
}

// New builds the flow and registers it with the feed.
func New(o *orchestrator.Orchestrator, cfg Config) (*Flow, error) {
	if cfg.Feed == nil || cfg.Statuses.Returned == "" || cfg.Statuses.ReturnedPartly == "" {
		return nil, errors.New("returns: Feed and Statuses are required")
	}
	if cfg.Documents == nil {
		d, ok := o.MoySklad().(Documents)
		if !ok {
			return nil, errors.New("returns: the MoySklad client cannot create documents (Template, Create, DeleteDocument)")
		}
		cfg.Documents = d
	}
	f := &Flow{cfg: cfg, o: o}
	return f, cfg.Feed.Register(f)
}

// OutdocTypes are the three returns (#order_ret_desc).
func (f *Flow) OutdocTypes() []string { return slices.Clone(outdocTypes) }

var outdocTypes = []string{fulfillment.OutdocOrdersFullReturn, fulfillment.OutdocOrdersPartReturn, fulfillment.OutdocOrdersClientReturn}

// States are the statuses the flow writes on customer orders and demands:
// a returned order is a sale that did not happen, a partly returned one
// partly did. setup creates them.
func States(s config.Statuses) []moysklad.State {
	return []moysklad.State{
		{Name: s.Returned, StateType: moysklad.StateUnsuccessful},
		{Name: s.ReturnedPartly, StateType: moysklad.StateSuccessful},
	}
}

func (f *Flow) alert(ctx context.Context, key, text string) {
	f.o.Logger().Warn(text, "alert", key)
	if f.cfg.Alerts != nil {
		f.cfg.Alerts.Raise(ctx, key, text)
	}
}
