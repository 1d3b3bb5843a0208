package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

const goodsUsage = `Usage: skladflow goods sync [--config …] [--dry-run] [--warehouse name]
`

// goods handles the warehouses' catalogues of goods.
func goods(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "sync" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprint(stdout, goodsUsage)
			return errHelp
		}
		fmt.Fprint(stderr, goodsUsage)
		return &usageError{errors.New("goods: want the sync subcommand")}
	}
	return goodsSync(ctx, args[1:], stdout, stderr)
}

// goodsSync registers every product and variant of the account at the
// warehouses: goods that came before skladflow (initial stock) or that
// only ever leave the warehouse need cards before an order names them.
func goodsSync(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("goods sync", "", `Registers the goods of the MoySklad account at every configured warehouse (POST /goods,
in batches): products and variants never registered, and those whose card changed
(name, barcodes, VAT, sizes). MoySklad cannot cheaply tell which goods a store holds,
so the whole assortment is registered. A good keeps the good_id it was first
registered under. Items that cannot be goods are listed with the reason.`, stdout, stderr)
	path := fs.String("config", "skladflow.yaml", "configuration file")
	dry := fs.Bool("dry-run", false, "print what would be registered, register nothing")
	only := fs.String("warehouse", "", "only this warehouse (by name)")
	if err := fs.parse(args, 0); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	ms, err := moysklad.NewClient(moysklad.Config{BaseURL: cfg.MoySklad.BaseURL, Token: cfg.MoySklad.Token,
		WebhookPrefix: cfg.PublicURL, RequestCost: cfg.MoySklad.RequestCost})
	if err != nil {
		return err
	}
	st, err := storage.Open(ctx, storage.Config{Path: cfg.Database})
	if err != nil {
		return err
	}
	defer st.Close()
	found := false
	for _, w := range cfg.Warehouses {
		if *only != "" && w.Name != *only {
			continue
		}
		found = true
		fc, err := fulfillment.NewClient(fulfillment.Config{BaseURL: w.FBox.BaseURL, PartnerID: w.FBox.PartnerID, Password: w.FBox.Password,
			QuotaShare: w.FBox.QuotaShare})
		if err != nil {
			return err
		}
		c := catalogue.ConfigFor(w)
		c.FBox, c.MoySklad, c.Bindings, c.Leases = fc, ms, st, commandLeases{st}
		cat, err := catalogue.New(c)
		if err != nil {
			return err
		}
		rep, err := cat.Sync(ctx, ms, *dry)
		if err != nil {
			return fmt.Errorf("warehouse %s: %w", w.Name, err)
		}
		printSync(stdout, w.Name, rep, *dry)
	}
	if !found {
		return fmt.Errorf("no warehouse named %q in the configuration", *only)
	}
	return nil
}

func printSync(w io.Writer, warehouse string, rep *catalogue.SyncReport, dry bool) {
	verb := "registered"
	if dry {
		verb = "would register"
	}
	fmt.Fprintf(w, "warehouse %s: %s %d goods, %d already current, %d skipped\n", warehouse, verb, len(rep.Registered), rep.Unchanged, len(rep.Skipped))
	for _, id := range rep.Registered {
		fmt.Fprintln(w, "  + "+id)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintln(w, "  ! "+s)
	}
	for _, n := range rep.Notices {
		fmt.Fprintln(w, "  ~ "+strings.TrimSpace(n))
	}
}

// commandLeases make the command's first registrations take turns with a
// running service's (catalogue.Leases): it waits while one holds the
// warehouse's registration lease.
type commandLeases struct{ st *storage.Store }

func (l commandLeases) Exclusive(ctx context.Context, key string, fn func() error) error {
	return l.st.AwaitLease(ctx, key, l.st.Replica()+"/goods-sync", fn)
}
