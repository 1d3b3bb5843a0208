// Package crashtest kills the real skladflow binary at random moments while
// staff and the warehouse work, restarts it on the same database, and checks
// that nothing was lost and nothing done twice. The short run is part of
// go test ./...; SKLADFLOW_CRASH_KILLS=100 runs a long one.
package crashtest
