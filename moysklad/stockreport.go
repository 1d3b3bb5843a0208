package moysklad

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// StoreStock is one line of the current stock by store report.
type StoreStock struct {
	AssortmentID string  `json:"assortmentId"`
	StoreID      string  `json:"storeId"`
	Stock        float64 `json:"stock"`
}

// maxReportURL bounds one report request's URL: 4 KB with room to spare
// for the request line and the other headers, which MoySklad caps at 8 KB
// in all (moysklad.md §5.2; 414 for a URL too long, §5.4).
const maxReportURL = 4000

// StockByStore reads the current physical stock (stockType=stock) at the
// stores, zero lines included: «Краткий отчёт об остатках»,
// GET report/stock/bystore/current (official doc
// reports/_report_stock.md). With no store ids it reads every store. A
// list of stores too long for one URL is read in several requests; each
// weighs 5 units of the rate-limit bucket (moysklad.md §5.3), which the
// limiter paces.
func (c *Client) StockByStore(ctx context.Context, storeIDs ...string) ([]StoreStock, error) {
	ids, err := dedup(storeIDs)
	if err != nil {
		return nil, err
	}
	chunks, err := c.storeChunks(ids)
	if err != nil {
		return nil, err
	}
	var out []StoreStock
	for _, chunk := range chunks {
		var rows []StoreStock
		if err := c.Do(ctx, http.MethodGet, stockByStorePath, stockByStoreQuery(chunk), nil, &rows); err != nil {
			return nil, fmt.Errorf("moysklad: stock by store: %w", err)
		}
		out = append(out, rows...)
	}
	return out, nil
}

const stockByStorePath = "report/stock/bystore/current"

// stockByStoreQuery asks for physical stock with zero lines, at the stores
// given (the doc's filter takes ids, several by comma).
func stockByStoreQuery(storeIDs []string) url.Values {
	q := url.Values{"stockType": {"stock"}, "include": {"zeroLines"}}
	if len(storeIDs) > 0 {
		q.Set("filter", "storeId="+strings.Join(storeIDs, ","))
	}
	return q
}

// storeChunks splits the stores so each request's URL stays under
// maxReportURL; no stores is one request for all.
func (c *Client) storeChunks(ids []string) ([][]string, error) {
	if len(ids) == 0 {
		return [][]string{nil}, nil
	}
	base := len(strings.TrimRight(c.cfg.BaseURL, "/")) + 1 + len(stockByStorePath) + 1
	var out [][]string
	var chunk []string
	size := base + len(stockByStoreQuery([]string{""}).Encode())
	for _, id := range ids {
		n := len(url.QueryEscape(id))
		if len(chunk) > 0 {
			n += len(url.QueryEscape(","))
		}
		if len(chunk) > 0 && size+n > maxReportURL {
			out, chunk = append(out, chunk), nil
			size, n = base+len(stockByStoreQuery([]string{""}).Encode()), len(url.QueryEscape(id))
		}
		if size+n > maxReportURL {
			return nil, fmt.Errorf("moysklad: stock by store: store id %q makes the URL longer than %d bytes", id, maxReportURL)
		}
		chunk, size = append(chunk, id), size+n
	}
	return append(out, chunk), nil
}

// dedup drops repeated ids, keeping the order. An empty id is refused: it
// must not turn into "every store".
func dedup(ids []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" {
			return nil, errors.New("moysklad: stock by store: empty store id")
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}
