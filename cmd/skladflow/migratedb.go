package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/skladflow/skladflow/storage"
)

// migrateDB copies a stopped SQLite installation into a new PostgreSQL
// database (storage.CopyTo): all of it or, on any error, nothing.
func migrateDB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate-db", "", `Moves an installation from SQLite to PostgreSQL: copies every document, event,
timeline entry, warehouse document, good and stock check of the SQLite file into the
PostgreSQL database, and makes its unfinished jobs again there. Stop the service first
(a served file is refused); the target must be empty (it is never merged into). It is
one transaction: on any error nothing is left in PostgreSQL. Leases (held by the
stopped process) and finished jobs are not copied. Then set database: to the URL and
start the service. Give the password in PGPASSWORD rather than in the URL, which
other users of the machine may see in the process list.`, stdout, stderr)
	from := fs.String("from", "", "the SQLite file the service used (its database: setting)")
	to := fs.String("to", "", "the PostgreSQL database, postgres://user@host:5432/name")
	if err := fs.parse(args, 0); err != nil {
		return err
	}
	switch {
	case *from == "" || *to == "":
		err := errors.New("migrate-db: --from and --to are required")
		fs.SetOutput(stderr)
		fmt.Fprintln(stderr, err)
		fs.Usage()
		return &usageError{err}
	case storage.IsPostgres(*from):
		return errors.New("migrate-db: --from is the SQLite file, not a PostgreSQL URL")
	case !storage.IsPostgres(*to):
		return errors.New("migrate-db: --to is a postgres:// URL")
	}
	// Open would create a missing file: a mistyped path would copy nothing.
	if _, err := os.Stat(*from); err != nil {
		return fmt.Errorf("migrate-db: %w", err)
	}
	src, err := storage.Open(ctx, storage.Config{Path: *from})
	if err != nil {
		return fmt.Errorf("migrate-db: %s: %w", *from, err)
	}
	defer src.Close()
	dst, err := storage.Open(ctx, storage.Config{Path: *to})
	if err != nil {
		return fmt.Errorf("migrate-db: %w", err)
	}
	defer dst.Close()
	rep, err := src.CopyTo(ctx, dst)
	if err != nil {
		return fmt.Errorf("migrate-db: nothing was copied: %w", err)
	}
	printCopy(stdout, *from, storage.Redact(*to), rep)
	return nil
}

func printCopy(w io.Writer, from, to string, rep storage.CopyReport) {
	fmt.Fprintf(w, "copied %s into %s:\n", from, to)
	for _, t := range rep.Tables {
		fmt.Fprintf(w, "  %-18s %8d rows\n", t, rep.Rows[t])
	}
	fmt.Fprintf(w, "  %-18s %8d unfinished, made again\n", "jobs", rep.Jobs)
	if rep.Undispatched > 0 {
		fmt.Fprintf(w, "  %d events wait for their job: the service makes them when it starts\n", rep.Undispatched)
	}
	fmt.Fprintln(w, "not copied: leases (held by the stopped process), finished jobs, River's own tables")
	fmt.Fprintln(w, "next: set database: to the PostgreSQL URL in the configuration and start the service")
}
