package config

import (
	"fmt"
	"time"
)

// Quarantine policies: how MoySklad books units the warehouse put in
// quarantine (#goods_corr_desc: not found at their place; a full return's
// units missing from the parcel). One policy for corrections and returns.
const (
	// QuarantineWriteoff writes quarantined units off at once (a loss);
	// units found again are booked back (an enter). MoySklad's stock at
	// the warehouse store is FBox's stock without quarantine.
	QuarantineWriteoff = "writeoff"
	// QuarantineKeep keeps quarantined units on the books until the full
	// inventory's quarantine_reset writes them off. MoySklad's stock is
	// FBox's stock plus quarantine.
	QuarantineKeep = "keep"
)

// Stock configures the warehouse-initiated stock documents (corrections,
// long storage) and the parity report.
type Stock struct {
	// CheckInterval is how often the parity report compares the
	// warehouses' stock with MoySklad's. Defaults to 2h.
	CheckInterval Duration `yaml:"check_interval"`
	// Horizon is how long a warehouse document may take to appear after
	// its created_at (#outdoc_share_desc: up to 5 minutes); differences
	// named by documents younger than that are in flight. Defaults to 5m.
	Horizon Duration `yaml:"horizon"`
	// Quarantine is writeoff or keep. Defaults to "writeoff".
	Quarantine string `yaml:"quarantine"`
}

func (s *Stock) setDefaults() {
	if s.CheckInterval.Duration == 0 {
		s.CheckInterval.Duration = 2 * time.Hour
	}
	if s.Horizon.Duration == 0 {
		s.Horizon.Duration = 5 * time.Minute
	}
	if s.Quarantine == "" {
		s.Quarantine = QuarantineWriteoff
	}
}

func (s *Stock) validate() []error {
	var errs []error
	if s.CheckInterval.Duration < time.Minute {
		errs = append(errs, fmt.Errorf("config: stock.check_interval: must be at least 1m, got %s", s.CheckInterval.Duration))
	}
	if s.Horizon.Duration < 0 {
		errs = append(errs, fmt.Errorf("config: stock.horizon: must not be negative"))
	}
	if s.Quarantine != QuarantineWriteoff && s.Quarantine != QuarantineKeep {
		errs = append(errs, fmt.Errorf("config: stock.quarantine: must be writeoff or keep, got %q", s.Quarantine))
	}
	return errs
}

// Returns configures the returns of orders the warehouse takes back.
type Returns struct {
	// Counterparty (name or id) is the buyer of a client return that
	// matches no order skladflow shipped: it is booked as a salesreturn
	// without a demand, flagged for staff. Optional: without it such a
	// return is not booked, and staff are told.
	Counterparty string `yaml:"counterparty"`
}
