package loadtest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// errNoProcStatus is a system without /proc/self/status (not Linux).
var errNoProcStatus = errors.New("loadtest: no memory figures in /proc/self/status")

// peakRSS is the process's peak resident set (VmHWM) since the start or
// the last resetPeakRSS, in bytes: the edge, the store, and the
// generator's own bodies, connections and goroutines.
func peakRSS() (int64, error) { return procStatus("VmHWM") }

// settledRSS is the resident set now (VmRSS), in bytes, once the garbage
// is collected and returned to the system: what the process holds, not
// what it held at its busiest. Two collections: the first only moves the
// buffer pools (sync.Pool) of finished connections to their victim cache.
func settledRSS() (int64, error) {
	runtime.GC()
	debug.FreeOSMemory()
	return procStatus("VmRSS")
}

// resetPeakRSS starts a new VmHWM (Linux: "5" to clear_refs), so that a
// peak belongs to one phase of the run.
func resetPeakRSS() error {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return fmt.Errorf("loadtest: reset the peak RSS: %w", err)
	}
	return nil
}

// procStatus reads a "kB" field of /proc/self/status, in bytes.
func procStatus(field string) (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, errors.Join(errNoProcStatus, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), field+":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0, errors.Join(errNoProcStatus, err)
		}
		return kb << 10, nil
	}
	return 0, errors.Join(errNoProcStatus, sc.Err())
}
