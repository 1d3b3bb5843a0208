package orchestrator

import (
	"context"

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
	owner := o.store.Replica() + "/" + infoOf(ctx).owner
	ok, err := o.store.TryLease(ctx, key, owner)
	if err != nil {
		return err
	}
	if !ok {
		return ErrBusy
	}
	defer func() {
		if err := o.store.ReleaseLease(context.WithoutCancel(ctx), key, owner); err != nil {
			o.log.Error("release lease", "key", key, "err", err)
		}
	}()
	return fn()
}
