package main

import (
	"context"
	"fmt"
	"io"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/doctor"
)

// doctorCmd checks the installation and says how to fix what is wrong.
func doctorCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("doctor", "", `Checks the installation — the configuration, the database, MoySklad (reachability,
rate limit, statuses, custom fields, webhooks, stores), the warehouses' FBox credentials
and CDEK — and prints the fix for every problem. Exits 1 when a check fails.`, stdout, stderr)
	path := fs.String("config", "skladflow.yaml", "configuration file")
	if err := fs.parse(args, 0); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintf(stdout, "FAIL configuration %s: %v\n     fix: correct the key named above\n", *path, err)
		return fmt.Errorf("configuration is not valid")
	}
	fmt.Fprintf(stdout, "ok   configuration %s\n", *path)
	failed := 0
	for _, f := range doctor.Run(ctx, cfg) {
		if f.OK {
			fmt.Fprintf(stdout, "ok   %s: %s\n", f.Check, f.Detail)
			continue
		}
		failed++
		fmt.Fprintf(stdout, "FAIL %s: %s\n     fix: %s\n", f.Check, f.Detail, f.Remedy)
	}
	if failed > 0 {
		return fmt.Errorf("%d problem(s) found", failed)
	}
	fmt.Fprintln(stdout, "All checks passed.")
	return nil
}
