package fulfillment

import (
	"context"
	"net/http"
	"slices"
)

// Stock is what the warehouse holds and how it got there: the parity
// report reads it.
type Stock interface {
	// GoodsStock is the current stock of every good (POST /goods/stock,
	// read page by page), or of the named goods only.
	GoodsStock(ctx context.Context, goodIDs ...string) ([]GoodStock, error)
	// GoodMovements are the outdocs that moved one good in one state
	// (POST /goods/movements, #good_move_desc).
	GoodMovements(ctx context.Context, f MovementFilter) ([]GoodMovement, error)
	// OutdocGoods is the stock movement of any outdoc (GET
	// /outdocs/{id}/goods).
	OutdocGoods(ctx context.Context, outdocID int64) ([]GoodMove, error)
}

// GoodStock is one good's stock in one quality (schema
// good_stock_cur_resp). Free stock = Stock − OrdersInwork − OrdersWait −
// ShipmentPicking − ShipmentReady (#good_move_desc).
type GoodStock struct {
	GoodID          string  `json:"good_id"`
	QualType        string  `json:"qual_type"`
	Stock           float64 `json:"stock"`
	Quarantine      float64 `json:"quarantine"`
	LongStorage     float64 `json:"long_storage"`
	OrdersInwork    float64 `json:"orders_inwork"`
	OrdersWait      float64 `json:"orders_wait"`
	ShipmentPicking float64 `json:"shipment_picking"`
	ShipmentReady   float64 `json:"shipment_ready"`
}

// MovementFilter selects a good's movements (schema good_moves_req):
// GoodState defaults to stock; dates are work dates (outdoc_date),
// inclusive.
type MovementFilter struct {
	GoodID    string `json:"good_id"`
	GoodState string `json:"good_state,omitempty"`
	FromDate  *Date  `json:"from_date,omitempty"`
	ToDate    *Date  `json:"to_date,omitempty"`
}

// GoodMovement is one outdoc's change of a good's stock (schema
// good_moves_resp item): Qnt positive added, negative took away.
type GoodMovement struct {
	IndocID           string `json:"indoc_id,omitempty"`
	OutdocID          int64  `json:"outdoc_id"`
	OutdocType        string `json:"outdoc_type"`
	OutdocTypeDescrip string `json:"outdoc_type_descrip"`
	OutdocDate        Date   `json:"outdoc_date"`
	OutdocTxt         string `json:"outdoc_txt,omitempty"`
	CreatedAt         Date   `json:"created_at"`
	QualType          string `json:"qual_type"`
	Qnt               int32  `json:"qnt"`
}

// GoodsStock reads the stock page by page (#paging_desc). good_ids is
// required by the schema: named goods are asked for in chunks (a request
// naming ids is answered whole); with none, an empty list asks for every
// good (unconfirmed: the spec does not say what an empty list selects).
func (c *Client) GoodsStock(ctx context.Context, goodIDs ...string) ([]GoodStock, error) {
	if len(goodIDs) == 0 {
		return c.goodsStock(ctx, []string{})
	}
	var all []GoodStock
	for ids := range slices.Chunk(goodIDs, stockChunk) {
		part, err := c.goodsStock(ctx, ids)
		if err != nil {
			return nil, err
		}
		all = append(all, part...)
	}
	return all, nil
}

// stockChunk is how many goods one stock request names.
const stockChunk = 500

func (c *Client) goodsStock(ctx context.Context, ids []string) ([]GoodStock, error) {
	req := struct {
		GoodIDs   []string `json:"good_ids"`
		PageToken string   `json:"page_token,omitempty"`
	}{GoodIDs: ids}
	var all []GoodStock
	for {
		var page struct {
			PageNextToken string      `json:"page_next_token"`
			Items         []GoodStock `json:"items"`
		}
		if err := c.do(ctx, http.MethodPost, "/goods/stock", req, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.PageNextToken == "" {
			return all, nil
		}
		req.PageToken = page.PageNextToken
	}
}

// GoodMovements reads a good's movements.
func (c *Client) GoodMovements(ctx context.Context, f MovementFilter) ([]GoodMovement, error) {
	var out struct {
		Items []GoodMovement `json:"items"`
	}
	if err := c.do(ctx, http.MethodPost, "/goods/movements", f, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}
