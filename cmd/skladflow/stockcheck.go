package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/service"
	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/webhooks"
)

// exitCode is a failure that asks for a particular exit status.
type exitCode struct {
	code int
	err  error
}

func (e *exitCode) Error() string { return e.err.Error() }
func (e *exitCode) Unwrap() error { return e.err }

// stockCheck runs the parity report once: exit 0 when nothing is
// unexplained, 1 when something is, 2 when the check could not be made.
func stockCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("stock-check", "", `Compares every warehouse's stock (FBox) with MoySklad's stock at the warehouse's stores,
good by good, records the check (the admin's «Сверка остатков» shows it) and prints it.
A difference is in flight (warehouse documents skladflow has not applied yet), explained
(documents of a type no configured flow mirrors) or unexplained.
Exit status: 0 nothing unexplained, 1 something unexplained, 2 the check failed.`, stdout, stderr)
	path := fs.String("config", "skladflow.yaml", "configuration file")
	format := fs.String("format", "text", "text, json or csv")
	if err := fs.parse(args, 0); err != nil {
		return err
	}
	if *format != "text" && *format != "json" && *format != "csv" {
		err := fmt.Errorf("--format: want text, json or csv, got %q", *format)
		fmt.Fprintln(stderr, err)
		return &usageError{err}
	}
	checks, err := runStockCheck(ctx, *path)
	if len(checks) > 0 {
		if perr := printStockChecks(stdout, *format, checks); perr != nil && err == nil {
			err = perr
		}
	}
	if err != nil {
		return &exitCode{2, err}
	}
	n := 0
	for _, c := range checks {
		n += c.Unexplained
	}
	if n > 0 {
		return &exitCode{1, fmt.Errorf("stock-check: %d goods differ without explanation", n)}
	}
	return nil
}

// runStockCheck builds the service's dependencies (without serving) and
// checks once.
func runStockCheck(ctx context.Context, path string) ([]storage.StockCheck, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	svc, err := service.New(ctx, cfg, service.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = svc.Shutdown(sctx)
	}()
	return svc.StockCheck(ctx)
}

func printStockChecks(w io.Writer, format string, checks []storage.StockCheck) error {
	switch format {
	case "json":
		return webhooks.WriteStockChecksJSON(w, checks)
	case "csv":
		return webhooks.WriteStockChecksCSV(w, checks)
	}
	for _, c := range checks {
		if c.Error != "" {
			fmt.Fprintf(w, "warehouse %s: check #%d failed: %s\n", c.Warehouse, c.ID, c.Error)
			continue
		}
		fmt.Fprintf(w, "warehouse %s: check #%d, %d goods: %d matched, %d in flight, %d explained, %d unexplained\n",
			c.Warehouse, c.ID, c.Goods, c.Matched, c.InFlight, c.Explained, c.Unexplained)
		for _, l := range c.Lines {
			id := l.GoodID
			if id == "" {
				id = l.AssortmentType + " " + l.AssortmentID
			}
			name := ""
			if l.Name != "" {
				name = " «" + l.Name + "»"
			}
			fmt.Fprintf(w, "  %-11s %s%s: warehouse says %g, MoySklad has %g — %s\n", l.Class, id, name, l.Expected, l.Actual, l.Note)
			for _, d := range l.Documents {
				status := d.Status
				if status == "" {
					status = "not read"
				}
				fmt.Fprintf(w, "      outdoc %d %s %s: %+g (%s, %s)\n", d.OutdocID, d.Type, d.CreatedAt.In(moscow).Format("2006-01-02 15:04"), d.Qnt, status, d.Role)
			}
		}
	}
	return nil
}

var moscow = time.FixedZone("MSK", 3*60*60)
