package moysklad

import (
	"context"
	"errors"
	"net/http"
)

// DeleteDocument deletes a document (spec paths/documents/<types>/
// <type>-by-id.yaml, "delete"). A document already gone is not an error:
// a retried delete whose first answer was lost must not fail.
func (c *Client) DeleteDocument(ctx context.Context, entityType, id string) error {
	err := c.Do(ctx, http.MethodDelete, "entity/"+entityType+"/"+id, nil, nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
