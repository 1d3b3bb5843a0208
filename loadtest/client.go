package loadtest

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// moyskladResends is how many more times MoySklad sends a notification
// answered with anything but 200 or 204: at once, with the same requestId
// (moysklad.md §2.3). After a timeout it sends nothing more.
const moyskladResends = 3

// clientTimeout bounds one attempt; MoySklad itself gives up after 1500 ms,
// the generator waits longer so that a slow answer is measured, not lost.
const clientTimeout = 10 * time.Second

// client delivers notifications as MoySklad does.
type client struct {
	http *http.Client
	url  string
}

func newClient(hookURL string, conns int) *client {
	t := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: clientTimeout}).DialContext,
		MaxIdleConns:          conns,
		MaxIdleConnsPerHost:   conns, // a burst's connections are kept for the next
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: clientTimeout,
	}
	return &client{http: &http.Client{Transport: t, Timeout: clientTimeout}, url: hookURL}
}

// outcome is how one delivery ended.
type outcome struct {
	acked    bool          // answered 200 or 204
	failed   bool          // no answer (timeout, connection): MoySklad drops it
	attempts int           // POSTs made, resends included
	status   int           // the last answer's status
	latency  time.Duration // from the first POST to the last answer
}

// deliver POSTs d and resends it at once while the answer is neither 200
// nor 204, up to moyskladResends times.
func (c *client) deliver(ctx context.Context, d delivery) outcome {
	u := c.url + "?requestId=" + url.QueryEscape(d.requestID)
	var o outcome
	start := time.Now()
	for o.attempts <= moyskladResends {
		o.attempts++
		status, err := c.post(ctx, u, d.body)
		o.latency = time.Since(start)
		if err != nil {
			o.failed = true
			return o
		}
		o.status = status
		if status == http.StatusOK || status == http.StatusNoContent {
			o.acked = true
			return o
		}
	}
	return o
}

func (c *client) post(ctx context.Context, u string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "MoySklad webhook touch agent 2.0 (/https://www.moysklad.ru)") // §2.2
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // drained, the connection is reused
	resp.Body.Close()
	return resp.StatusCode, nil
}

func (c *client) close() { c.http.CloseIdleConnections() }
