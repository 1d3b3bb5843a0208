// Command skladflow turns MoySklad document statuses into fulfillment
// warehouse work.
//
//	skladflow serve --config skladflow.yaml
//	skladflow demo [--keep-running]
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/service"
)

const usage = `skladflow turns MoySklad document statuses into fulfillment warehouse work.

Usage:
  skladflow setup [--config …] [--dry-run]    create the statuses and webhooks skladflow needs in MoySklad
  skladflow doctor [--config …]               check the installation; every problem with its fix
  skladflow serve [--config skladflow.yaml]   run the service
  skladflow demo [--keep-running]             run the whole inbound flow against built-in emulators
  skladflow retry [--config …] <type> <id>    re-run a document's flow (after an outage or a fix)
  skladflow goods sync [--config …] [--dry-run]  register the account's goods at the warehouses
  skladflow stock-check [--config …] [--format text|json|csv]  compare the warehouses' stock with MoySklad's
  skladflow migrate-db --from <file> --to <postgres://…>  move the installation from SQLite to PostgreSQL
  skladflow loadtest [-short] [-rates 100,500,1000] [-rate-duration 10s] [-burst 1000]  drive the webhook edge on loopback

skladflow <command> --help tells more of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var bad *usageError
	var code *exitCode
	switch {
	case errors.As(err, &bad):
		os.Exit(2) // the problem and the usage are printed already
	case errors.As(err, &code):
		fmt.Fprintln(os.Stderr, "skladflow:", err)
		os.Exit(code.code)
	case err != nil:
		fmt.Fprintln(os.Stderr, "skladflow:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	err := command(ctx, args, stdout, stderr)
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &usageError{errors.New("no command")}
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "setup":
		return setup(ctx, args[1:], stdout, stderr)
	case "doctor":
		return doctorCmd(ctx, args[1:], stdout, stderr)
	case "demo":
		return demo(ctx, args[1:], stdout, stderr)
	case "retry":
		return retry(ctx, args[1:], stdout, stderr)
	case "goods":
		return goods(ctx, args[1:], stdout, stderr)
	case "stock-check":
		return stockCheck(ctx, args[1:], stdout, stderr)
	case "migrate-db":
		return migrateDB(ctx, args[1:], stdout, stderr)
	case "loadtest":
		return loadTest(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &usageError{fmt.Errorf("unknown command %q", args[0])}
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "", `Runs skladflow: the HTTP edge (MoySklad, warehouse and CDEK notifications, admin,
metrics) and the durable jobs of every configured flow. Prepares MoySklad first, as
setup would, when the token may. Stops gracefully on SIGTERM.`, stdout, stderr)
	path := fs.String("config", "skladflow.yaml", "configuration file")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	if err := fs.parse(args, 0); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	log, err := jsonLogger(stderr, *level)
	if err != nil {
		return err
	}
	svc, err := service.New(ctx, cfg, service.Options{Logger: log})
	if err != nil {
		return err
	}
	if done, err := svc.Provision(ctx); err != nil {
		// Without statuses and webhooks staff commands do not reach skladflow: say it loudly.
		log.Error("MoySklad not prepared (run skladflow setup)", "err", err)
	} else {
		for _, d := range done {
			log.Info("MoySklad prepared", "done", d)
		}
	}
	if err := svc.Start(ctx, nil); err != nil {
		return err
	}
	<-ctx.Done()
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return svc.Shutdown(shutdownCtx)
}

func jsonLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}
