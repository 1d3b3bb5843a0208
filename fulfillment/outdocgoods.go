package fulfillment

import (
	"context"
	"net/http"
	"strconv"
)

// Availability states of stock (schema tgood_state, #good_state_desc).
const (
	GoodStateStock       = "stock"
	GoodStateQuarantine  = "quarantine"
	GoodStateLongStorage = "long_storage"
)

// GoodMove is one change of stock an outdoc made (GET
// /outdocs/{outdoc_id}/goods, #good_move_desc): negative Qnt left the
// warehouse, positive arrived. Only the stock-changing outdocs
// (#doc_stocker_desc) move anything.
type GoodMove struct {
	GoodID    string `json:"good_id"`
	GoodState string `json:"good_state"`
	QualType  string `json:"qual_type"`
	Qnt       int32  `json:"qnt"`
}

// OutdocGoods reads the stock movement of any outdoc.
func (c *Client) OutdocGoods(ctx context.Context, outdocID int64) ([]GoodMove, error) {
	var out struct {
		Goods []GoodMove `json:"goods"`
	}
	if err := c.do(ctx, http.MethodGet, "/outdocs/"+strconv.FormatInt(outdocID, 10)+"/goods", nil, &out); err != nil {
		return nil, err
	}
	return out.Goods, nil
}
