package fulfillment

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Catalogue is the warehouse's register of goods (#good_set_desc): every
// good a task names must be registered and current first. The FBox client
// implements it beside Warehouse.
type Catalogue interface {
	RegisterGoods(ctx context.Context, goods ...Good) error
	ListGoods(ctx context.Context, f GoodFilter) ([]GoodCard, error)
	ListGoodsPage(ctx context.Context, f GoodFilter) (GoodsPage, error)
	GoodInfo(ctx context.Context, goodID string) (*GoodCard, error)
	ChangeEANs(ctx context.Context, ch EANChange) error
	AddEANs(ctx context.Context, goodID string, eans ...string) error
	RemoveEANs(ctx context.Context, eans ...string) error
	ListEANs(ctx context.Context, f EANFilter) ([]EANRecord, error)
}

var _ Catalogue = (*Client)(nil)

// RegisterGoods creates or updates cards with POST /goods, GoodsBatch at a
// time. FBox rolls back a refused request whole, but only that request:
// batches sent before a refusal stay registered, which is harmless since a
// card is the full current description and sending it again is the way to
// keep it current (#good_set_desc).
func (c *Client) RegisterGoods(ctx context.Context, goods ...Good) error {
	for start := 0; start < len(goods); start += GoodsBatch {
		batch := goods[start:min(start+GoodsBatch, len(goods))]
		body := struct {
			Goods []Good `json:"goods"`
		}{batch}
		if err := c.do(ctx, http.MethodPost, "/goods", body, nil); err != nil {
			return fmt.Errorf("fulfillment: register goods %d–%d of %d: %w", start+1, start+len(batch), len(goods), err)
		}
	}
	return nil
}

// ListGoodsPage reads one page of POST /goods/list.
func (c *Client) ListGoodsPage(ctx context.Context, f GoodFilter) (GoodsPage, error) {
	var p GoodsPage
	err := c.do(ctx, http.MethodPost, "/goods/list", f, &p)
	return p, err
}

// ListGoods lists cards, following pages to the end.
func (c *Client) ListGoods(ctx context.Context, f GoodFilter) ([]GoodCard, error) {
	var all []GoodCard
	for {
		p, err := c.ListGoodsPage(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Items...)
		if p.Next == "" || f.GoodIDs != nil {
			return all, nil
		}
		f.PageToken = p.Next
	}
}

// GoodInfo reads one card with its EANs and attributes. An unknown good
// answers an error matching ErrNotFound.
func (c *Client) GoodInfo(ctx context.Context, goodID string) (*GoodCard, error) {
	var out struct {
		Good GoodCard `json:"good"`
	}
	if err := c.do(ctx, http.MethodGet, "/goods/"+url.PathEscape(goodID)+"/info", nil, &out); err != nil {
		return nil, err
	}
	return &out.Good, nil
}

// ChangeEANs sends POST /goods/eans as it is.
func (c *Client) ChangeEANs(ctx context.Context, ch EANChange) error {
	return c.do(ctx, http.MethodPost, "/goods/eans", ch, nil)
}

// AddEANs binds barcodes to a good; a barcode bound to another good
// refuses the whole request (#ean_desc, mode add).
func (c *Client) AddEANs(ctx context.Context, goodID string, eans ...string) error {
	ch := EANChange{}
	for _, e := range eans {
		ch.Add = append(ch.Add, GoodEAN{GoodID: goodID, EAN: e})
	}
	return c.ChangeEANs(ctx, ch)
}

// RemoveEANs unbinds barcodes from whatever goods hold them.
func (c *Client) RemoveEANs(ctx context.Context, eans ...string) error {
	return c.ChangeEANs(ctx, EANChange{Delete: eans})
}

// ListEANs lists barcodes with their goods (POST /goods/eans/list),
// following pages to the end.
func (c *Client) ListEANs(ctx context.Context, f EANFilter) ([]EANRecord, error) {
	var all []EANRecord
	for {
		var p struct {
			Items []EANRecord `json:"items"`
			Next  string      `json:"page_next_token"`
		}
		if err := c.do(ctx, http.MethodPost, "/goods/eans/list", f, &p); err != nil {
			return nil, err
		}
		all = append(all, p.Items...)
		if p.Next == "" || f.GoodIDs != nil || f.EANs != nil {
			return all, nil
		}
		f.PageToken = p.Next
	}
}
