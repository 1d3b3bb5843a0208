package moysklad

import (
	"context"
	"fmt"
)

// LinkedDemands reads the demands made from a customer order, in the
// order's own order (spec customerOrder.yaml: demands). order must have
// been read from MoySklad: its Demands are references. Each demand is read
// with expand.
func (c *Client) LinkedDemands(ctx context.Context, order *Document, expand ...string) ([]Document, error) {
	out := make([]Document, 0, len(order.Demands))
	for _, ref := range order.Demands {
		d, err := c.GetDocument(ctx, TypeDemand, ref.Meta.ID(), expand...)
		if err != nil {
			return nil, fmt.Errorf("moysklad: demand %s of order %s: %w", ref.Meta.ID(), order.Name, err)
		}
		out = append(out, *d)
	}
	return out, nil
}
