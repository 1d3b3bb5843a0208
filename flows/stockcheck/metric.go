package stockcheck

import (
	"context"

	"github.com/skladflow/skladflow/storage"
)

// Scrape sets skladflow_stock_discrepancies{class} from the last check of
// each warehouse, whichever process made it (the service or the
// stock-check command).
func (c *Checker) Scrape(ctx context.Context) error {
	if c.o == nil || c.o.Store() == nil {
		return nil
	}
	checks, err := c.o.Store().StockChecks(ctx, "", 0)
	if err != nil {
		return err
	}
	var inFlight, explained, unexplained int
	seen := map[string]bool{}
	configured := map[string]bool{}
	for _, w := range c.whs {
		configured[w.Name] = true
	}
	for _, chk := range checks { // newest first
		if seen[chk.Warehouse] || !configured[chk.Warehouse] {
			continue
		}
		seen[chk.Warehouse] = true
		inFlight, explained, unexplained = inFlight+chk.InFlight, explained+chk.Explained, unexplained+chk.Unexplained
	}
	m := c.cfg.Metrics.StockDiscrepancies
	m.Set(float64(inFlight), storage.StockInFlight)
	m.Set(float64(explained), storage.StockExplained)
	m.Set(float64(unexplained), storage.StockUnexplained)
	return nil
}
