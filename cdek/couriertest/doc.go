// Package couriertest is the conformance suite of the cdek.Courier port, in
// the manner of Watermill's tests.TestPubSub and River's
// riverdrivertest.Exercise: one set of subtests, each citing the section of
// shared/reference/cdek.md it checks, run against every backend that stands
// for CDEK.
//
// The emulator (cdek/cdektest) runs it on every `go test`, over real HTTP,
// with a driver that runs CDEK's validation at once and moves orders along
// their statuses. CDEK's test host has no such driver: the suite polls it
// (with a deadline) instead of processing, and skips the subtests that need
// statuses moved.
//
// Running against CDEK's test host with the public test account of cdek.md
// §1.3 (shared by every integrator, not a secret; orders stay there):
//
//	CDEK_SANDBOX=1 go test ./cdek/couriertest -run TestCDEKSandbox -v
//
// CDEK_SANDBOX_URL, CDEK_SANDBOX_CLIENT_ID and CDEK_SANDBOX_CLIENT_SECRET
// override the host and the account (e.g. a contract's own test keys).
// The host is shared and flaky (cdek.md §9): a failure there is worth a
// second run before it is called a drift.
package couriertest
