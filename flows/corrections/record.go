package corrections

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// kindPlanned marks an outdoc whose plan this flow recorded.
const kindPlanned = "stockdocs"

// record is the decision about a warehouse document, made once and kept on
// its row (Outdoc.Change): what it moved, the documents that books and how
// they are described. A retry, a restart or a later change of the
// configuration books what was decided, never something else.
type record struct {
	Moves []fulfillment.GoodMove `json:"moves"`
	// Serials are the serial numbers the document moved (GET
	// /outdocs/{id}/good_sn), read when it books something.
	Serials []fulfillment.SerialMove `json:"serials,omitempty"`
	Docs    []Doc                    `json:"docs"`
	// What is the document in staff words: its type and correction type,
	// or the boxes moved.
	What string `json:"what"`
	// At is when the warehouse made the change (created_at): the date of
	// the booked documents. Zero: MoySklad's now.
	At time.Time `json:"at"`
	// Policy is the quarantine policy's sentence when quarantine is
	// involved; "" otherwise.
	Policy string `json:"policy,omitempty"`
	// Why says why nothing is booked when Docs is empty.
	Why string `json:"why,omitempty"`
}

// decide returns the recorded decision, or makes and records it: the body
// (kept by the feed) says what the document is, GET /outdocs/{id}/goods
// what it moved (issue 12: "the generic source of what a document moved").
func (f *Flow) decide(ctx context.Context, wh *feed.Warehouse, od *storage.Outdoc) (record, error) {
	var rec record
	if od.Kind == kindPlanned && len(od.Change) > 0 {
		if err := json.Unmarshal(od.Change, &rec); err != nil {
			return rec, fmt.Errorf("outdoc %d: recorded plan: %v: %w", od.OutdocID, err, orchestrator.ErrFinal)
		}
		return rec, nil
	}
	body, err := f.cfg.Feed.Body(ctx, wh, od)
	if err != nil {
		return rec, err
	}
	what, at, err := describe(od.Type, body)
	if err != nil {
		return rec, fmt.Errorf("outdoc %d: %w: %w", od.OutdocID, err, orchestrator.ErrFinal)
	}
	moves, err := wh.API.OutdocGoods(ctx, od.OutdocID)
	if err != nil {
		return rec, fmt.Errorf("read the goods of outdoc %d: %w", od.OutdocID, err)
	}
	rec = record{Moves: moves, Docs: Plan(wh.Placement, moves), What: what, At: at, Policy: policyText(wh.Placement, moves)}
	if len(rec.Docs) == 0 {
		rec.Why = whyNothing(od.Type, wh.Placement, moves)
	} else {
		if rec.Serials, err = readSerials(ctx, wh, od.OutdocID); err != nil {
			return rec, err
		}
		rec.Docs = withSerials(wh.Placement, moves, rec.Serials, rec.Docs)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return rec, err
	}
	err = f.o.Store().UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		x.Kind, x.Change = kindPlanned, b
		return nil
	})
	od.Kind, od.Change = kindPlanned, b
	return rec, err
}
