package service

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows/delivery"
	"github.com/skladflow/skladflow/flows/inbound"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/metrics"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
)

// buildFlows builds the configured flows on the machinery: the inbound flow
// for every warehouse, the delivery flow with a cdek section. A new flow is
// one more package and one more block here.
func buildFlows(ctx context.Context, cfg *config.Config, o *orchestrator.Orchestrator, ms *moysklad.Client, cd *cdek.Client,
	m *metrics.Set, opts Options, log *slog.Logger) ([]orchestrator.Flow, error) {
	var whs []inbound.Warehouse
	for _, w := range cfg.Warehouses {
		storeID, err := resolveStore(ctx, ms, w.Store)
		if err != nil {
			return nil, fmt.Errorf("warehouse %q: %w", w.Name, err)
		}
		api, err := fulfillment.NewClient(fulfillment.Config{
			HTTPClient:  instrumented(m, "fbox"),
			BaseURL:     w.FBox.BaseURL,
			PartnerID:   w.FBox.PartnerID,
			Password:    w.FBox.Password,
			RetryBudget: opts.RetryBudget,
			Logger:      log.With("peer", "fbox", "warehouse", w.Name),
		})
		if err != nil {
			return nil, fmt.Errorf("warehouse %q: %w", w.Name, err)
		}
		whs = append(whs, inbound.Warehouse{Name: w.Name, StoreID: storeID, SKUField: w.SKUField,
			API: api, PollInterval: w.FBox.PollInterval.Duration})
	}
	in, err := inbound.New(o, inbound.Config{Warehouses: whs, Statuses: cfg.Statuses, Receipt: cfg.Receipt, DocumentTypes: cfg.MoySklad.Documents})
	if err != nil {
		return nil, err
	}
	flows := []orchestrator.Flow{in}
	if cd != nil {
		de, err := delivery.New(o, delivery.Config{API: cd, CDEK: cfg.CDEK, Statuses: cfg.Statuses})
		if err != nil {
			return nil, err
		}
		flows = append(flows, de)
	}
	return flows, nil
}
