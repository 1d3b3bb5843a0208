package catalogue_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
)

var errBusy = errors.New("busy")

// storeLeases are the store's leases as a job would hold them: busy at
// once while another holds the key.
type storeLeases struct{ store *storage.Store }

func (l storeLeases) Exclusive(ctx context.Context, key string, fn func() error) error {
	owner := fmt.Sprintf("test:%d", rand.Uint64())
	ok, err := l.store.TryLease(ctx, key, owner)
	if err != nil {
		return err
	}
	if !ok {
		return errBusy
	}
	defer func() { _ = l.store.ReleaseLease(context.WithoutCancel(ctx), key, owner) }()
	return fn()
}

// Two replicas (two catalogues on one database) each bring a new product
// with the same article at the same moment. One binds the good_id; the
// other is refused, and the warehouse's card under that good_id is the
// winner's — not the loser's, sent after it.
func TestTwoReplicasRegisteringOneNewGoodID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	leases := func(c *catalogue.Config) { c.Leases = storeLeases{b.store} }
	replicas := []*catalogue.Catalogue{b.catalogue(t, leases), b.catalogue(t, leases)}
	for round := range 10 {
		article := fmt.Sprintf("DUP-%d", round)
		var rows [2][]moysklad.Position
		var names [2]string
		for r := range replicas {
			names[r] = fmt.Sprintf("Товар %d-%d", round, r)
			p := b.ms.AddProduct(moyskladtest.ProductSpec{Name: names[r], Article: article})
			rows[r] = b.positions(t, moyskladtest.PositionSpec{ProductID: p.ID, Quantity: 1})
		}
		var wg sync.WaitGroup
		var errs [2]error
		start := make(chan struct{})
		for r, c := range replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				// As a job: busy snoozes, a temporary error retries.
				for range 1000 {
					_, errs[r] = c.Prepare(b.ctx, rows[r])
					if !errors.Is(errs[r], errBusy) && !errors.Is(errs[r], storage.ErrGoodTaken) {
						return
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		winner := -1
		for r, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "round %d: both replicas registered %s", round, article)
				winner = r
				continue
			}
			var refusal *catalogue.Refusal
			require.ErrorAs(t, err, &refusal, "round %d", round)
		}
		require.NotEqual(t, -1, winner, "round %d: neither registered %s", round, article)
		card, ok := b.fbox.Good(article)
		require.True(t, ok)
		require.Equal(t, names[winner], card.GoodName, "round %d: the card under %s is the bound item's", round, article)
	}
}
