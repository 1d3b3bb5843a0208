package batching

import (
	"context"
	"errors"
	"time"

	"github.com/skladflow/skladflow/moysklad"
)

// writeBatch is updates of documents of one type that wait for one mass
// update; a document is in it at most once.
type writeBatch struct {
	typ   string
	upds  []moysklad.BatchUpdate
	index map[string]int
	// written end each write's mark once the request is answered, not when
	// a caller gives up: till then a read may miss the write.
	written []func()
	done    chan struct{} // closed once res or err are set
	res     []moysklad.BatchResult
	err     error
}

// UpdateDocument writes a document, together with the other documents of
// its type written meanwhile. A write asking for an expanded answer goes
// alone.
func (c *Client) UpdateDocument(ctx context.Context, typ, id string, upd moysklad.DocumentUpdate, expand ...string) (*moysklad.Document, error) {
	if c.cfg.Window <= 0 {
		return c.Client.UpdateDocument(ctx, typ, id, upd, expand...)
	}
	written := c.writing(typ, id)
	if len(expand) > 0 {
		defer written()
		return c.Client.UpdateDocument(ctx, typ, id, upd, expand...)
	}
	c.mu.Lock()
	l := c.writes[typ]
	if l == nil {
		l = &lane[writeBatch]{}
		c.writes[typ] = l
	}
	if l.open != nil {
		if _, twice := l.open.index[id]; twice {
			// Never twice in one request: that batch is closed, this write
			// starts the next, which goes after it.
			l.close()
		}
	}
	b := l.open
	if b == nil {
		b = &writeBatch{typ: typ, index: map[string]int{}, done: make(chan struct{})}
		l.gather(b)
		time.AfterFunc(c.cfg.Window, func() { c.sendWrite(typ, due(&c.mu, c.writes, typ, b)) })
	}
	i := len(b.upds)
	b.index[id] = i
	b.upds = append(b.upds, moysklad.BatchUpdate{ID: id, Update: upd})
	b.written = append(b.written, written)
	admit(&c.mu, l, len(b.upds) >= c.cfg.MaxWrites, func(n *writeBatch) { c.sendWrite(typ, n) })
	// A caller that gives up may still see its write made: its run finds it
	// on the document next time (orchestrator.Run.WriteBack).
	if err := await(ctx, b.done); err != nil {
		return nil, err
	}
	if b.err != nil {
		return nil, b.err
	}
	return b.res[i].Doc, b.res[i].Err
}

// sendWrite makes a batch's request, then the next ones of its lane:
// batches of one type go in the order they were made, so two writes of a
// document land in that order too.
func (c *Client) sendWrite(typ string, b *writeBatch) { drain(&c.mu, c.writes, typ, b, c.write) }

func (c *Client) write(b *writeBatch) {
	c.mu.Lock()
	c.stats.WriteRequests++
	c.stats.DocumentsWritten += len(b.upds)
	c.mu.Unlock()
	ctx, cancel := c.shared()
	defer cancel()
	defer close(b.done)
	defer func() {
		for _, f := range b.written {
			f()
		}
	}()
	if len(b.upds) == 1 {
		// Alone: the PUT it always was.
		d, err := c.Client.UpdateDocument(ctx, b.typ, b.upds[0].ID, b.upds[0].Update)
		b.res = []moysklad.BatchResult{{Doc: d, Err: err}}
		return
	}
	b.res, b.err = c.Client.UpdateDocuments(ctx, b.typ, b.upds)
	if b.err == nil && len(b.res) != len(b.upds) {
		b.err = errors.New("batching: the mass update answered another number of documents")
	}
}
