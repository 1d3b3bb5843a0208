// Package catalogue keeps a fulfillment warehouse's register of goods in
// step with MoySklad, for every warehouse flow (inbound supplies, customer
// orders, shipment tasks).
//
// FBox requires every good a task names to be registered and current first
// (fbox-openapi.yaml #good_set_desc); only a supply task can register
// inline. So before each task a flow hands the document's positions to
// Prepare, which registers in one batched POST /goods the goods that are
// unregistered or whose card changed, and answers the task's items: good_id,
// quantity, price and the position each came from, with bundles expanded
// into their components and services left out.
//
// The good_id of a MoySklad product or variant is fixed at its first
// registration and kept in storage (table goods): FBox never renames or
// reuses a good_id, and staff do edit articles. An edited article never
// renames the good; it is returned as a Notice for the mini-log and raised
// as an alert.
package catalogue
