package moysklad

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// BatchUpdate is one element of a mass update: a document and its partial
// update, as UpdateDocument would send it.
type BatchUpdate struct {
	ID     string
	Update DocumentUpdate
}

// BatchResult answers one BatchUpdate: the document as MoySklad stored it,
// or why it was not written.
type BatchResult struct {
	Doc *Document
	Err error
}

// Bounds of one mass request.
const (
	// batchElements is MoySklad's bound on an array in a request and on a
	// mass create/update list (moysklad.md §4.2: 1000).
	batchElements = 1000
	// batchBytes bounds a mass request's body. The reference says 20 MB
	// (§4.2); md/_errors.md's 1044 says 10 MB: the smaller is kept.
	batchBytes = 10 << 20
)

// ErrDuplicateUpdate is a mass update naming one document twice: a
// programming error, refused before anything is sent.
var ErrDuplicateUpdate = errors.New("moysklad: one document twice in a mass update")

// ErrBatchAnswer is a mass update answered with something other than one
// result per element, in order.
var ErrBatchAnswer = errors.New("moysklad: the mass update's answer does not match its elements")

// UpdateDocuments writes partial updates of documents of one type with
// MoySklad's mass update: POST entity/{type} with an array whose elements
// are each update with the document's meta (moysklad.md §3.3, §4.2; spec
// paths/documents/*/*-batch.yaml). An element updates exactly as
// UpdateDocument would. Requests carry at most 1000 elements and 10 MB;
// more go out in further requests, one after the other.
//
// results[i] answers upds[i]: the document, or that element's refusal as
// an *APIError (Method POST, Path entity/{type}, the element's errors) whose
// Status is what a single PUT would have answered (elementStatus), so
// errors.Is(err, ErrNotFound) and Temporary classify it as they classify a
// PUT's. One refused element does not fail the others.
//
// The error is a request failing as a whole: no answer, a 429 after the
// retries, a 5xx, a 4xx for the whole request, or an answer that is no
// array of one result per element. Its elements are then not known to be
// written (MoySklad may have written some): their results carry the same
// error, and so do those of later requests, which are not sent; callers
// retry each such element through its own path. With 1000 elements or
// fewer there is one request, and an error means no element is known to be
// written. Like every POST, a mass update is repeated only after a 429,
// never after no answer or a 5xx (Do).
//
// A document named twice is a programming error: ErrDuplicateUpdate,
// and nothing is sent; so is an update without an id.
func (c *Client) UpdateDocuments(ctx context.Context, entityType string, upds []BatchUpdate) ([]BatchResult, error) {
	elements := make([][]byte, len(upds))
	seen := make(map[string]bool, len(upds))
	for i, u := range upds {
		switch {
		case u.ID == "":
			return nil, fmt.Errorf("moysklad: mass update of %s: element %d names no document", entityType, i)
		case seen[u.ID]:
			return nil, fmt.Errorf("%w: %s %s", ErrDuplicateUpdate, entityType, u.ID)
		}
		seen[u.ID] = true
		b, err := json.Marshal(batchElement{Meta: c.documentMeta(entityType, u.ID), DocumentUpdate: u.Update})
		if err != nil {
			return nil, fmt.Errorf("moysklad: mass update of %s: encode %s: %w", entityType, u.ID, err)
		}
		elements[i] = b
	}
	results := make([]BatchResult, len(upds))
	for from := 0; from < len(upds); {
		to := batchEnd(elements, from, c.batchBytes)
		if err := c.updateBatch(ctx, entityType, upds[from:to], elements[from:to], results[from:to]); err != nil {
			for i := from; i < len(results); i++ {
				results[i] = BatchResult{Err: err}
			}
			return results, err
		}
		from = to
	}
	return results, nil
}

// batchElement is one element of the array: the update and the meta that
// names the document to update (items to update carry meta, §3.3).
type batchElement struct {
	Meta Meta `json:"meta"`
	DocumentUpdate
}

// documentMeta is the meta of a document of entityType under BaseURL.
func (c *Client) documentMeta(entityType, id string) Meta {
	return Meta{Href: strings.TrimRight(c.cfg.BaseURL, "/") + "/entity/" + entityType + "/" + id,
		Type: entityType, MediaType: "application/json"}
}

// batchEnd is where the request starting at from ends: at most
// batchElements elements and maxBytes of body, but at least one element.
func batchEnd(elements [][]byte, from, maxBytes int) int {
	size := 2 // the brackets
	to := from
	for to < len(elements) && to-from < batchElements {
		size += len(elements[to]) + 1
		if size > maxBytes && to > from {
			break
		}
		to++
	}
	return to
}

// updateBatch sends one mass request and fills results from its answer.
func (c *Client) updateBatch(ctx context.Context, entityType string, upds []BatchUpdate, elements [][]byte, results []BatchResult) error {
	path := "entity/" + entityType
	body := json.RawMessage(append(append([]byte{'['}, bytes.Join(elements, []byte{','})...), ']'))
	var answers []json.RawMessage
	if err := c.Do(ctx, http.MethodPost, path, nil, body, &answers); err != nil {
		return err
	}
	if len(answers) != len(upds) {
		return fmt.Errorf("%w: POST %s: %d elements, %d answers", ErrBatchAnswer, path, len(upds), len(answers))
	}
	for i, raw := range answers {
		var probe struct {
			Meta   *Meta          `json:"meta"`
			Errors []ErrorElement `json:"errors"`
		}
		if err := json.Unmarshal(raw, &probe); err != nil {
			return fmt.Errorf("%w: POST %s: element %d: %w", ErrBatchAnswer, path, i, err)
		}
		if len(probe.Errors) > 0 {
			results[i] = BatchResult{Err: &APIError{Status: elementStatus(probe.Errors), Method: http.MethodPost, Path: path, Errors: probe.Errors}}
			continue
		}
		if probe.Meta == nil {
			return fmt.Errorf("%w: POST %s: element %d has neither meta nor errors", ErrBatchAnswer, path, i)
		}
		var d Document
		if err := json.Unmarshal(raw, &d); err != nil {
			return fmt.Errorf("%w: POST %s: element %d: %w", ErrBatchAnswer, path, i, err)
		}
		if d.ID != upds[i].ID {
			return fmt.Errorf("%w: POST %s: element %d is %s, not %s", ErrBatchAnswer, path, i, d.ID, upds[i].ID)
		}
		results[i] = BatchResult{Doc: &d}
	}
	return nil
}

// elementStatus is the HTTP status a single PUT would have been refused
// with, derived from the element's error code: a mass answer is 200 and an
// element carries no status of its own (spec errorElement.yaml), while the
// helpers classify by status (errors.Is(err, ErrNotFound) by 404). Not
// found (1021) is 404; a concurrent modification (1065) is 409, temporary
// by its code as a PUT's is; any other refusal is 400, final as a PUT's
// 4xx is.
func elementStatus(errs []ErrorElement) int {
	for _, e := range errs {
		switch e.Code {
		case CodeNotFound:
			return http.StatusNotFound
		case CodeConcurrentModified:
			return http.StatusConflict
		}
	}
	return http.StatusBadRequest
}
