package loadtest

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
)

// errNoProcStatus is a system without /proc/self/status (not Linux).
var errNoProcStatus = errors.New("loadtest: no VmHWM in /proc/self/status")

// peakRSS is the process's peak resident set so far (VmHWM), in bytes:
// the edge, the store and the generator's own bodies and goroutines.
func peakRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, errors.Join(errNoProcStatus, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
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
