// Package storage keeps skladflow's state in SQLite (modernc.org/sqlite, no
// cgo) and runs its durable jobs with River on the same database.
//
// Tables: inbox (raw events, deduplicated by request id and by event
// identity), documents (one row per MoySklad document: flow state, version,
// warehouse task number), timeline (what happened to a document, for the
// operator), outdocs (the warehouse documents seen: the processed set keyed
// by outdoc id), leases (which worker runs a document now). River's own
// tables hold the jobs.
//
// Why River: a job is inserted in the same transaction as the inbox row that
// caused it, retried with backoff on a durable schedule that survives
// restarts, and rescued when a process died in the middle of it. Jobs are
// deliberately not unique per document (a unique job would drop an event
// arriving while the previous run finishes; see ProcessDocumentArgs): a
// document may have several, and a lease (TryLease) lets one run at a time.
//
// SQLite runs with WAL, synchronous=FULL and one connection: one writer, and
// code holding a transaction passes it on instead of touching the pool
// (which would deadlock).
package storage
