package stockcheck

import (
	"context"
	"errors"

	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/storage"
)

// StatusAwaitingFinal is a part of a partial receipt skladflow has read
// and locked while MoySklad books nothing yet: the document's positions
// are set and posted only by the final receipt (README "Receipt policy").
// Its units are in flight, a task between submission and receipt.
const StatusAwaitingFinal = "awaiting_final"

// partKind is how the inbound flow records a part (or a separate surplus
// document) applied before the final receipt.
const partKind = "part"

// statusOf is skladflow's status of a warehouse document as the report
// reads it.
func (c *Checker) statusOf(ctx context.Context, od storage.Outdoc) (string, error) {
	if od.Type != fulfillment.OutdocSupply || od.Kind != partKind || od.Status != storage.OutdocLocked || od.IndocID == "" {
		return od.Status, nil
	}
	row, err := c.o.Store().DocumentByIndoc(ctx, od.IndocID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return od.Status, nil
	case err != nil:
		return "", err
	case fsm.State(row.State) == fsm.Receiving:
		return StatusAwaitingFinal, nil
	}
	return od.Status, nil
}
