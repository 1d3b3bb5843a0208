package metrics

// Set is every series skladflow exports.
type Set struct {
	Registry *Registry

	WebhooksReceived     *Vec // source
	WebhooksDeduplicated *Vec // source
	WebhooksRejected     *Vec // source, reason
	Transitions          *Vec // flow, event
	OutboundCalls        *Vec // peer, code
	LimiterWaits         *Vec // peer
	Jobs                 *Vec // state
	StuckDocuments       *Vec
	DisabledWebhooks     *Vec
	StockDiscrepancies   *Vec // class
	BatchRequests        *Vec // kind (read, write)
	BatchDocuments       *Vec // kind
}

// NewSet registers skladflow's series.
func NewSet() *Set {
	r := New()
	return &Set{
		Registry:             r,
		WebhooksReceived:     r.Counter("skladflow_webhooks_received_total", "Notifications received and stored.", "source"),
		WebhooksDeduplicated: r.Counter("skladflow_webhooks_deduplicated_total", "Notifications or events dropped as duplicates.", "source"),
		WebhooksRejected:     r.Counter("skladflow_webhooks_rejected_total", "Requests refused at the edge.", "source", "reason"),
		Transitions:          r.Counter("skladflow_transitions_total", "Flow transitions by flow and event.", "flow", "event"),
		OutboundCalls:        r.Counter("skladflow_outbound_requests_total", "HTTP requests to peers by status code (429 included).", "peer", "code"),
		LimiterWaits:         r.Gauge("skladflow_limiter_waits", "Requests that waited for the client-side rate limiter.", "peer"),
		Jobs:                 r.Gauge("skladflow_jobs", "Jobs by state.", "state"),
		StuckDocuments:       r.Gauge("skladflow_stuck_documents", "Documents in a non-final state longer than the stuck threshold."),
		DisabledWebhooks:     r.Gauge("skladflow_disabled_webhooks", "MoySklad webhooks found disabled by the last reconciliation."),
		BatchRequests:        r.Gauge("skladflow_moysklad_batch_requests", "MoySklad document reads and writes sent by the batching since the start, by kind (read, write).", "kind"),
		BatchDocuments:       r.Gauge("skladflow_moysklad_batch_documents", "Documents those requests carried, by kind: documents per request is the batching's gain.", "kind"),
		StockDiscrepancies:   r.Gauge("skladflow_stock_discrepancies", "Goods whose MoySklad stock differs from the warehouse's in the last stock check of each warehouse, by class (in_flight, explained, unexplained).", "class"),
	}
}
