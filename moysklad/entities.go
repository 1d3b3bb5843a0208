package moysklad

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// listPage is a collection answer.
type listPage[T any] struct {
	Meta Meta `json:"meta"`
	Rows []T  `json:"rows"`
}

func expandQuery(expand []string) url.Values {
	q := url.Values{}
	if len(expand) > 0 {
		q.Set("expand", strings.Join(expand, ","))
	}
	return q
}

// GetDocument reads a document. With positions expanded it reads every row,
// paging through /positions when the document has more than one answer holds.
func (c *Client) GetDocument(ctx context.Context, entityType, id string, expand ...string) (*Document, error) {
	var d Document
	if err := c.Do(ctx, http.MethodGet, "entity/"+entityType+"/"+id, expandQuery(expand), nil, &d); err != nil {
		return nil, err
	}
	if err := c.completePositions(ctx, entityType, id, &d, expand); err != nil {
		return nil, err
	}
	return &d, nil
}

// completePositions reads the rest of a document's positions when they
// were expanded and the answer holds fewer rows than the document has (an
// expanded document carries up to 1000, moysklad.md §4.3).
func (c *Client) completePositions(ctx context.Context, entityType, id string, d *Document, expand []string) error {
	if d.Positions == nil || d.Positions.Meta.Size == nil || *d.Positions.Meta.Size <= len(d.Positions.Rows) || !expandsPositions(expand) {
		return nil
	}
	rows, err := c.positions(ctx, entityType, id, positionsExpand(expand))
	if err != nil {
		return err
	}
	d.Positions.Rows = rows
	return nil
}

func expandsPositions(expand []string) bool {
	for _, e := range expand {
		if e == "positions" || strings.HasPrefix(e, "positions.") {
			return true
		}
	}
	return false
}

// positionsExpand is what a document's expand asks of its positions, as
// the positions sub-resource spells it: "positions.assortment.product" is
// "assortment.product" there. Items are always expanded.
func positionsExpand(expand []string) string {
	out := []string{"assortment"}
	for _, e := range expand {
		if rest, ok := strings.CutPrefix(e, "positions."); ok && rest != "assortment" {
			out = append(out, rest)
		}
	}
	return strings.Join(out, ",")
}

func (c *Client) positions(ctx context.Context, entityType, id, expand string) ([]Position, error) {
	const limit = 100 // expand works on pages of at most 100
	var out []Position
	for offset := 0; ; offset += limit {
		q := url.Values{"expand": {expand}, "limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(offset)}}
		var page listPage[Position]
		if err := c.Do(ctx, http.MethodGet, "entity/"+entityType+"/"+id+"/positions", q, nil, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Rows...)
		if len(page.Rows) < limit {
			return out, nil
		}
	}
}

// UpdateDocument is a partial PUT: only the fields set in upd change.
func (c *Client) UpdateDocument(ctx context.Context, entityType, id string, upd DocumentUpdate, expand ...string) (*Document, error) {
	var d Document
	if err := c.Do(ctx, http.MethodPut, "entity/"+entityType+"/"+id, expandQuery(expand), upd, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// ListDocuments lists documents matching a filter ("state.name=Передать").
func (c *Client) ListDocuments(ctx context.Context, entityType, filter string, expand ...string) ([]Document, error) {
	return list[Document](ctx, c, "entity/"+entityType, filter, expand)
}

func list[T any](ctx context.Context, c *Client, path, filter string, expand []string) ([]T, error) {
	const limit = 100
	var out []T
	for offset := 0; ; offset += limit {
		q := expandQuery(expand)
		q.Set("limit", strconv.Itoa(limit))
		q.Set("offset", strconv.Itoa(offset))
		if filter != "" {
			q.Set("filter", filter)
		}
		var page listPage[T]
		if err := c.Do(ctx, http.MethodGet, path, q, nil, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Rows...)
		if len(page.Rows) < limit {
			return out, nil
		}
	}
}

// Metadata reads a document type's metadata: its statuses.
func (c *Client) Metadata(ctx context.Context, entityType string) (*Metadata, error) {
	var m Metadata
	if err := c.Do(ctx, http.MethodGet, "entity/"+entityType+"/metadata", nil, nil, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// CreateState adds a status to a document type (administrator rights).
func (c *Client) CreateState(ctx context.Context, entityType string, s State) (*State, error) {
	body := map[string]any{"name": s.Name, "color": s.Color, "stateType": s.StateType}
	var out State
	if err := c.Do(ctx, http.MethodPost, "entity/"+entityType+"/metadata/states", nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// FindProducts finds products by article, code or externalCode.
func (c *Client) FindProducts(ctx context.Context, field, value string) ([]Product, error) {
	return list[Product](ctx, c, "entity/product", field+"="+value, nil)
}

// GetProduct reads a product.
func (c *Client) GetProduct(ctx context.Context, id string) (*Product, error) {
	var p Product
	if err := c.Do(ctx, http.MethodGet, "entity/product/"+id, nil, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// FindStores finds stores by name.
func (c *Client) FindStores(ctx context.Context, name string) ([]Store, error) {
	return list[Store](ctx, c, "entity/store", "name="+name, nil)
}

// GetStore reads a store.
func (c *Client) GetStore(ctx context.Context, id string) (*Store, error) {
	var s Store
	if err := c.Do(ctx, http.MethodGet, "entity/store/"+id, nil, nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Webhooks lists the account's webhook subscriptions.
func (c *Client) Webhooks(ctx context.Context) ([]Webhook, error) {
	return list[Webhook](ctx, c, "entity/webhook", "", nil)
}

// CreateWebhook subscribes a URL. It is a POST and never retried blindly.
func (c *Client) CreateWebhook(ctx context.Context, w Webhook) (*Webhook, error) {
	var out Webhook
	if err := c.Do(ctx, http.MethodPost, "entity/webhook", nil, w, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateWebhook changes a subscription (e.g. enabled: true).
func (c *Client) UpdateWebhook(ctx context.Context, id string, w Webhook) (*Webhook, error) {
	var out Webhook
	if err := c.Do(ctx, http.MethodPut, "entity/webhook/"+id, nil, w, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
