package stockcheck

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/storage"
)

// pending are the documents skladflow has read and not finished (new,
// applied, revert), by good: what each moves (GET /outdocs/{id}/goods, the
// generic source of a document's movement) as MoySklad books it. They
// name goods beyond the drill-down bound, and a document being reverted
// that the warehouse no longer lists among a good's movements. At most
// MaxDrillDown documents are read; one the warehouse deleted is left out.
func (c *Checker) pending(ctx context.Context, wh *feed.Warehouse) (map[string][]Doc, error) {
	ods, err := c.o.Store().OutdocsWithStatus(ctx, wh.Name, storage.OutdocNew, storage.OutdocApplied, storage.OutdocRevert)
	if err != nil {
		return nil, err
	}
	out := map[string][]Doc{}
	for i, od := range ods {
		if i == c.cfg.MaxDrillDown {
			break
		}
		moves, err := wh.API.OutdocGoods(ctx, od.OutdocID)
		if errors.Is(err, fulfillment.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("goods of outdoc %d: %w", od.OutdocID, err)
		}
		byGood := map[string]Units{}
		for k, n := range wh.Placement.Deltas(moves) {
			if byGood[k.GoodID] == nil {
				byGood[k.GoodID] = Units{}
			}
			byGood[k.GoodID][k.Store] += float64(n)
		}
		for good, u := range byGood {
			out[good] = append(out[good], Doc{OutdocID: od.OutdocID, Type: od.Type, CreatedAt: od.CreatedAt, Status: od.Status, Moves: u})
		}
	}
	return out, nil
}

// withPending adds the pending documents a good's movements did not name.
func withPending(docs, pending []Doc) []Doc {
	for _, p := range pending {
		found := false
		for _, d := range docs {
			if d.OutdocID == p.OutdocID {
				found = true
				break
			}
		}
		if !found {
			docs = append(docs, p)
		}
	}
	return docs
}
