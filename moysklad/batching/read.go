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
	fill   bool           // a caller is a job: fill up with the documents queued (ahead.go)
	ahead  []string       // documents read for jobs not yet running
	stale  map[string]bool
	at     time.Time     // when the request went
	done   chan struct{} // closed once docs and err are set
	docs   map[string]*moysklad.Document
	err    error
}

// GetDocument reads a document, together with the other documents of its
// type asked for meanwhile.
func (c *Client) GetDocument(ctx context.Context, typ, id string, expand ...string) (*moysklad.Document, error) {
	if c.cfg.Window <= 0 {
		return c.Client.GetDocument(ctx, typ, id, expand...)
	}
	c.mu.Lock()
	d, _, err := c.join(ctx, readKey{typ, strings.Join(expand, ",")}, id, expand, false)
	return d, err
}

// join adds a read to the gathering batch of its kind, called with mu
// held (it releases it), and waits for the answer and when it was read.
func (c *Client) join(ctx context.Context, key readKey, id string, expand []string, fill bool) (*moysklad.Document, time.Time, error) {
	l := c.reads[key]
	if l == nil {
		l = &lane[readBatch]{}
		c.reads[key] = l
	}
	b := l.open
	if b == nil {
		b = &readBatch{typ: key.typ, expand: slices.Clone(expand), waits: map[string]int{}, done: make(chan struct{})}
		l.gather(b)
		time.AfterFunc(c.cfg.Window, func() { c.sendRead(key, due(&c.mu, c.reads, key, b)) })
	}
	if b.waits[id] == 0 {
		b.ids = append(b.ids, id)
	}
	b.waits[id]++
	b.fill = b.fill || fill
	share := b.waits[id] > 1
	admit(&c.mu, l, len(b.ids) >= c.cfg.MaxReads, func(n *readBatch) { c.sendRead(key, n) })
	if err := await(ctx, b.done); err != nil {
		return nil, time.Time{}, err
	}
	if b.err != nil {
		return nil, b.at, b.err
	}
	d, ok := b.docs[id]
	if !ok {
		// Deleted in MoySklad: what a GET of it would have answered.
		return nil, b.at, &moysklad.APIError{Status: http.StatusNotFound, Method: http.MethodGet, Path: "entity/" + key.typ + "/" + id,
			Errors: []moysklad.ErrorElement{{Error: "Объект не найден", Code: moysklad.CodeNotFound}}}
	}
	if share {
		// Another caller holds the same document: each gets its own.
		d, err := clone(d)
		return d, b.at, err
	}
	return d, b.at, nil
}

// sendRead makes a batch's request, then the next ones of its lane.
func (c *Client) sendRead(key readKey, b *readBatch) {
	drain(&c.mu, c.reads, key, b, func(b *readBatch) { c.read(key, b) })
}

func (c *Client) read(key readKey, b *readBatch) {
	ctx, cancel := c.shared()
	defer cancel()
	defer close(b.done)
	c.fillAhead(ctx, key, b)
	defer c.keepAhead(key, b)
	if len(b.ids)+len(b.ahead) == 1 {
		// Alone: the GET it always was.
		d, err := c.Client.GetDocument(ctx, b.typ, b.ids[0], b.expand...)
		if errors.Is(err, moysklad.ErrNotFound) {
			b.docs = map[string]*moysklad.Document{}
			return
		}
		b.docs, b.err = map[string]*moysklad.Document{b.ids[0]: d}, err
		return
	}
	b.docs, b.err = c.Client.GetDocuments(ctx, b.typ, append(slices.Clone(b.ids), b.ahead...), b.expand...)
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
