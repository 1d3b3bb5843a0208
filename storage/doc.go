// Package storage keeps skladflow's state in SQLite (modernc.org/sqlite, no
// cgo), or in PostgreSQL when Config.Path is a postgres:// URL, and runs its
// durable jobs with River on the same database.
//
// Tables: inbox (raw events, deduplicated by request id and by event
// identity), documents (one row per MoySklad document: flow state, version,
// warehouse task number), timeline (what happened to a document, for the
// operator), outdocs (the warehouse documents seen: the processed set keyed
// by outdoc id), leases (which worker runs a document now), pacing (the
// next request start of a rate limit the replicas share). River's own
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
//
// PostgreSQL (pgx's database/sql driver, a pool of connections) lets
// several replicas share one database. What differs between the two is
// decided in dialect.go: the package writes SQL with ? placeholders, and
// sqlDB and sqlTx rebind every query; each dialect has its own migrations
// (migrations/sqlite, migrations/postgres, the same file names). What
// SQLite gets from having one writer, PostgreSQL gets from locks: the
// dispatcher takes inbox rows FOR UPDATE SKIP LOCKED, a document's Updates
// take a transaction-scoped advisory lock, migrations an advisory lock, and
// Start leaves other replicas' leases and running jobs alone.
package storage
