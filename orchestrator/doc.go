// Package orchestrator is the machinery every document flow shares. A job
// takes the document's lease, loads the current MoySklad document and its
// stored row, and hands them to the flow that owns the document type as a
// Run; the Run gives the flow its steps: the one-PUT write-back, the
// transition saved with its timeline in one transaction, refusals,
// failures, and the verdict on a failed call (retry while the peer may
// come back, fail past the retry horizon).
//
// The flows themselves live in packages of their own (flows/inbound,
// flows/delivery) and register their table, document types, commands and
// jobs with Register: adding a flow adds a package, not code here.
package orchestrator
