package batching

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/skladflow/skladflow/moysklad"
)

type readKey struct{ typ, expand string }

// readBatch is documents of one type, read with the same expand, that
// wait for one list request.
type readBatch struct {
	typ    string
	expand []string
	ids    []string
	waits  map[string]int // callers per id
	done   chan struct{}  // closed once docs and err are set
	docs   map[string]*moysklad.Document
	err    error
}

// GetDocument reads a document, together with the other documents of its
// type asked for meanwhile.
func (c *Client) GetDocument(ctx context.Context, typ, id string, expand ...string) (*moysklad.Document, error) {
	if c.cfg.Window <= 0 {
		return c.Client.GetDocument(ctx, typ, id, expand...)
	}
	key := readKey{typ, strings.Join(expand, ",")}
	c.mu.Lock()
	l := c.reads[key]
	if l == nil {
		l = &lane[readBatch]{}
		c.reads[key] = l
	}
	b := l.open
	if b == nil {
		b = &readBatch{typ: typ, expand: slices.Clone(expand), waits: map[string]int{}, done: make(chan struct{})}
		l.gather(b)
		time.AfterFunc(c.cfg.Window, func() { c.sendRead(key, due(&c.mu, c.reads, key, b)) })
	}
	if b.waits[id] == 0 {
		b.ids = append(b.ids, id)
	}
	b.waits[id]++
	share := b.waits[id] > 1
	admit(&c.mu, l, len(b.ids) >= c.cfg.MaxReads, func(n *readBatch) { c.sendRead(key, n) })
	if err := await(ctx, b.done); err != nil {
		return nil, err
	}
	if b.err != nil {
		return nil, b.err
	}
	d, ok := b.docs[id]
	if !ok {
		// Deleted in MoySklad: what a GET of it would have answered.
		return nil, &moysklad.APIError{Status: http.StatusNotFound, Method: http.MethodGet, Path: "entity/" + typ + "/" + id,
			Errors: []moysklad.ErrorElement{{Error: "Объект не найден", Code: moysklad.CodeNotFound}}}
	}
	if share {
		// Another caller holds the same document: each gets its own.
		return clone(d)
	}
	return d, nil
}

// sendRead makes a batch's request, then the next ones of its lane.
func (c *Client) sendRead(key readKey, b *readBatch) { drain(&c.mu, c.reads, key, b, c.read) }

func (c *Client) read(b *readBatch) {
	c.mu.Lock()
	c.stats.ReadRequests++
	c.stats.DocumentsRead += len(b.ids)
	c.mu.Unlock()
	ctx, cancel := c.shared()
	defer cancel()
	defer close(b.done)
	if len(b.ids) == 1 {
		// Alone: the GET it always was.
		d, err := c.Client.GetDocument(ctx, b.typ, b.ids[0], b.expand...)
		if errors.Is(err, moysklad.ErrNotFound) {
			b.docs = map[string]*moysklad.Document{}
			return
		}
		b.docs, b.err = map[string]*moysklad.Document{b.ids[0]: d}, err
		return
	}
	b.docs, b.err = c.Client.GetDocuments(ctx, b.typ, b.ids, b.expand...)
}

// clone copies a document through its JSON, which keeps every field it
// was read with.
func clone(d *moysklad.Document) (*moysklad.Document, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	var out moysklad.Document
	return &out, json.Unmarshal(raw, &out)
}
