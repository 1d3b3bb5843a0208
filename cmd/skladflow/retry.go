package main

import (
	"context"
	"fmt"
	"io"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/storage"
)

// retry queues a re-run of one document's flow. It only writes the job to
// the database: the running service (or the next one started) works it.
func retry(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("retry", " <document type> <document id>", `Queues a re-run of one document's flow, after an outage longer than the retry horizon
or once its cause is fixed: a failed submission is submitted again, a failed receipt
applied again. The running service (or the next one started) works it.`, stdout, stderr)
	path := fs.String("config", "skladflow.yaml", "configuration file")
	if err := fs.parse(args, 2); err != nil {
		return err
	}
	typ, id := fs.Arg(0), fs.Arg(1)
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	s, err := storage.Open(ctx, storage.Config{Path: cfg.Database})
	if err != nil {
		return err
	}
	defer s.Close()
	d, err := s.Document(ctx, typ, id)
	if err != nil {
		return fmt.Errorf("%s %s: skladflow has no record of it: %w", typ, id, err)
	}
	if err := s.QueueRerun(ctx, typ, id); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "queued: %s %s (%s), now %s\n", typ, id, d.Name, d.State)
	return nil
}
