package main

import (
	"context"
	"fmt"
	"io"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/provision"
)

// setup prepares MoySklad and CDEK: the flows' statuses on every watched
// document type, the CDEK number's custom field, and the webhook
// subscriptions. --dry-run prints the plan only.
func setup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("setup", "", `Prepares MoySklad and CDEK for skladflow: the statuses of every flow on each watched
document type, the custom fields skladflow writes, the MoySklad webhooks and the CDEK
ORDER_STATUS subscription. Plans first and never creates anything twice; needs a token
with administrator rights.`, stdout, stderr)
	path := fs.String("config", "skladflow.yaml", "configuration file")
	dry := fs.Bool("dry-run", false, "print what would change, change nothing")
	if err := fs.parse(args, 0); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	ms, err := moysklad.NewClient(moysklad.Config{BaseURL: cfg.MoySklad.BaseURL, Token: cfg.MoySklad.Token, WebhookPrefix: cfg.PublicURL})
	if err != nil {
		return err
	}
	cd, err := provision.NewCDEK(cfg, nil)
	if err != nil {
		return err
	}
	p, err := provision.Build(ctx, ms, cd, cfg)
	if err != nil {
		return err
	}
	if len(p.Actions) == 0 {
		fmt.Fprintln(stdout, "Everything is in place: nothing to change.")
		return nil
	}
	verb := "will"
	if *dry {
		verb = "would"
	}
	fmt.Fprintf(stdout, "skladflow setup %s:\n", verb)
	for _, a := range p.Actions {
		fmt.Fprintln(stdout, "  + "+a.Text)
	}
	if *dry {
		return nil
	}
	if err := p.Apply(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Done: %d changes.\n", len(p.Actions))
	return nil
}
