package batching

import (
	"context"
	"strings"
	"time"

	"github.com/skladflow/skladflow/moysklad"
)

// aheadTTL is how long a document read ahead waits for its job. Its job
// acts on the document as it was then, so the wait is kept short; a job
// that comes later reads again.
const aheadTTL = 10 * time.Second

// maxAhead bounds the documents kept for jobs not yet running.
const maxAhead = 1000

type docKey struct{ typ, id string }

// aheadRead is a document read for a job not yet running.
type aheadRead struct {
	expand string
	doc    *moysklad.Document
	at     time.Time
}

// ReadQueued reads a document for the job that works on it, as it was at
// some moment after after (when the newest event the job answers was
// received), and says when: events received up to then are what the read
// has seen. The document comes from a list request made for other jobs
// and filled with the documents that have work queued (Config.Queued), if
// that was read after after; or from one made now, filled the same way
// for the jobs to come.
func (c *Client) ReadQueued(ctx context.Context, typ, id string, after time.Time, expand ...string) (*moysklad.Document, time.Time, error) {
	if c.cfg.Window <= 0 {
		at := time.Now()
		d, err := c.Client.GetDocument(ctx, typ, id, expand...)
		return d, at, err
	}
	key := readKey{typ, strings.Join(expand, ",")}
	c.mu.Lock()
	a, ok := c.ahead[docKey{typ, id}]
	delete(c.ahead, docKey{typ, id}) // serves this job or none
	if ok && a.expand == key.expand && a.at.After(after) && time.Since(a.at) < aheadTTL {
		c.stats.AheadUsed++
		c.mu.Unlock()
		return a.doc, a.at, nil
	}
	return c.join(ctx, key, id, expand, true)
}

// fillAhead adds to a batch about to go the documents of its type with
// work queued, up to a full list request, and registers it as in flight:
// a write of one of them from now on makes its read stale.
func (c *Client) fillAhead(ctx context.Context, key readKey, b *readBatch) {
	var queued []string
	if b.fill && c.cfg.Queued != nil && len(b.ids) < c.cfg.MaxReads {
		c.mu.Lock()
		limit := c.cfg.MaxReads + len(c.ahead) // those already read come back too
		c.mu.Unlock()
		var err error
		if queued, err = c.cfg.Queued(ctx, key.typ, limit); err != nil {
			// Only an optimisation is lost: each job reads its own.
			c.cfg.Logger.Warn("documents with queued work not listed", "type", key.typ, "err", err)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range queued {
		if len(b.ids)+len(b.ahead) >= c.cfg.MaxReads {
			break
		}
		k := docKey{key.typ, id}
		if _, read := c.ahead[k]; read || b.waits[id] > 0 || c.inWrite[k] > 0 {
			continue // a write in flight may land after the read
		}
		b.ahead = append(b.ahead, id)
	}
	b.stale = map[string]bool{}
	c.inflight[b] = struct{}{}
	b.at = time.Now()
	c.stats.ReadRequests++
	c.stats.DocumentsRead += len(b.ids) + len(b.ahead)
	c.stats.ReadAhead += len(b.ahead)
}

// keepAhead keeps what a batch read ahead, unless a write of the document
// began while it was read.
func (c *Client) keepAhead(key readKey, b *readBatch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.inflight, b)
	if b.err != nil || len(b.ahead) == 0 {
		return
	}
	for k, a := range c.ahead {
		if time.Since(a.at) >= aheadTTL {
			delete(c.ahead, k)
		}
	}
	for _, id := range b.ahead {
		d, ok := b.docs[id]
		if !ok || b.stale[id] || len(c.ahead) >= maxAhead {
			continue
		}
		c.ahead[docKey{key.typ, id}] = aheadRead{expand: key.expand, doc: d, at: b.at}
	}
}

// writing marks a write of a document under way until the returned
// function is called: a read of it kept or in flight is no longer its
// state.
func (c *Client) writing(typ, id string) (done func()) {
	k := docKey{typ, id}
	c.mu.Lock()
	c.inWrite[k]++
	delete(c.ahead, k)
	for b := range c.inflight {
		if b.typ == typ {
			b.stale[id] = true
		}
	}
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.inWrite[k]--; c.inWrite[k] == 0 {
			delete(c.inWrite, k)
		}
	}
}

// DeleteDocument deletes a document; a read of it kept ahead goes with it.
func (c *Client) DeleteDocument(ctx context.Context, typ, id string) error {
	defer c.writing(typ, id)()
	return c.Client.DeleteDocument(ctx, typ, id)
}
