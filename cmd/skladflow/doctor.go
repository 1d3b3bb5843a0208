package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/doctor"
)

// doctorCmd checks the installation and says how to fix what is wrong.
func doctorCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "skladflow.yaml", "configuration file")
	if err := fs.Parse(args); err != nil {
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
