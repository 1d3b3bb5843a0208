package moysklad

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// idsPerList is how many documents one filtered list reads: expand works
// only on pages of at most 100 (moysklad.md §4.3; with a bigger limit it
// is silently ignored). 100 ids make a URL of about 4.5 KB, under
// MoySklad's 8 KB of headers (§5.2).
const idsPerList = 100

// GetDocuments reads documents of one type by id, each as GetDocument
// would: GET entity/{type}?filter=id=a;id=b…&limit=100&expand=… for up to
// 100 ids at a time, and the rest of a document's positions through
// /positions when it has more than the answer holds. A document MoySklad
// does not answer (deleted) is absent from the map: the caller treats it
// as not found. Duplicate ids are read once.
//
// filter=id= is documented (doc md/_general.md «Фильтрация по полям типа
// ID») and repeated equal conditions on one field are an OR (§3.4), but
// the reference never shows the two together: unconfirmed. If MoySklad
// refuses the filter (refusesFilter) or answers more documents than ids
// were asked for (the filter was not applied), GetDocuments reads one
// GetDocument per id instead, and so does every later call of this client.
func (c *Client) GetDocuments(ctx context.Context, entityType string, ids []string, expand ...string) (map[string]*Document, error) {
	ids = unique(ids)
	out := make(map[string]*Document, len(ids))
	done := 0
	for ; done < len(ids) && !c.idFilterRefused.Load(); done += idsPerList {
		chunk := ids[done:min(done+idsPerList, len(ids))]
		err := c.listByIDs(ctx, entityType, chunk, expand, out)
		if refusesFilter(err) {
			c.idFilterRefused.Store(true)
			c.cfg.Logger.Warn("moysklad: the id filter is refused; documents are read one by one from now on",
				"type", entityType, "err", err)
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if done < len(ids) {
		if err := c.getEach(ctx, entityType, ids[done:], expand, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// errFilterIgnored is a list that answered more documents than ids were
// asked for: MoySklad did not apply the id filter.
var errFilterIgnored = errors.New("moysklad: the id filter was not applied")

// listByIDs reads up to idsPerList documents with one filtered list.
func (c *Client) listByIDs(ctx context.Context, entityType string, ids, expand []string, out map[string]*Document) error {
	conds := make([]string, len(ids))
	for i, id := range ids {
		conds[i] = "id=" + id
	}
	q := expandQuery(expand)
	q.Set("limit", strconv.Itoa(idsPerList))
	q.Set("filter", strings.Join(conds, ";"))
	var page listPage[Document]
	if err := c.Do(ctx, http.MethodGet, "entity/"+entityType, q, nil, &page); err != nil {
		return err
	}
	if page.Meta.Size != nil && *page.Meta.Size > len(ids) {
		return errFilterIgnored
	}
	for i := range page.Rows {
		if !slices.Contains(ids, page.Rows[i].ID) {
			return errFilterIgnored
		}
	}
	for i := range page.Rows {
		d := &page.Rows[i]
		if err := c.completePositions(ctx, entityType, d.ID, d, expand); err != nil {
			return err
		}
		out[d.ID] = d
	}
	return nil
}

// getEach reads the documents one GetDocument each, as many at once as the
// client runs requests; a document not found is left out.
func (c *Client) getEach(ctx context.Context, entityType string, ids, expand []string, out map[string]*Document) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	slots := make(chan struct{}, max(c.cfg.MaxInFlight, 1))
	for _, id := range ids {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			d, err := c.GetDocument(ctx, entityType, id, expand...)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, ErrNotFound):
			case err != nil:
				if first == nil {
					first = err
					cancel()
				}
			default:
				out[id] = d
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// refusesFilter reports MoySklad refusing the list's filter rather than
// failing the request: HTTP 400 or 412 (a bad or missing parameter, §5.4)
// with an error naming the parameter "filter" or carrying a filtering code
// (md/_errors.md: 1030 "Поле для фильтрации … может быть указано только
// один раз", 1034 "Ошибка фильтрации"), or a list that ignored the filter.
// Anything else (a 5xx, a 429 after the retries, a 404, no answer) is no
// verdict on the filter and fails the call.
func refusesFilter(err error) bool {
	if errors.Is(err, errFilterIgnored) {
		return true
	}
	var ae *APIError
	if !errors.As(err, &ae) || (ae.Status != http.StatusBadRequest && ae.Status != http.StatusPreconditionFailed) {
		return false
	}
	return slices.ContainsFunc(ae.Errors, func(e ErrorElement) bool {
		return e.Parameter == "filter" || e.Code == codeFilterOnce || e.Code == codeFilterError
	})
}

// MoySklad's filtering errors (md/_errors.md).
const (
	codeFilterOnce  = 1030
	codeFilterError = 1034
)

// unique returns ids without repeats, in their first order.
func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
