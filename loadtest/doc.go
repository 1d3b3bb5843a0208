// Package loadtest drives the real MoySklad webhook endpoint over loopback
// HTTP and proves that nothing acknowledged is lost or doubled (issue 13
// §3). It starts its own edge as `skladflow serve` wires it — storage.Open
// and webhooks.New behind a net/http.Server on 127.0.0.1 — with counting
// workers in place of the flows, and measures, in one run, the raw SQLite
// durable insert rate every other figure is a ratio to.
package loadtest
