package orchestrator

import (
	"context"
	"errors"

	"github.com/skladflow/skladflow/storage"
)

// WithDocument runs fn as the only writer of a document: the lease is in
// the database, not in memory, so it holds across workers and restarts.
// It returns ErrBusy while another job holds the document.
func (o *Orchestrator) WithDocument(ctx context.Context, typ, id string, fn func() error) error {
	return o.WithLease(ctx, storage.DocumentLease(typ, id), fn)
}

// WithLease runs fn as the only holder of key (a document, a warehouse
// task): ErrBusy while another job holds it.
func (o *Orchestrator) WithLease(ctx context.Context, key string, fn func() error) error {
	// The replica prefix lets another replica drop the leases of one that
	// died (storage's replica sweep).
	err := o.store.WithLease(ctx, key, o.store.Replica()+"/"+infoOf(ctx).owner, fn)
	if errors.Is(err, storage.ErrLeaseHeld) {
		return ErrBusy
	}
	return err
}
