package moysklad

import (
	"strings"

	"github.com/google/uuid"
)

// syncNamespace is skladflow's UUIDv5 namespace for syncIds. It is fixed
// forever: changing it changes every derived syncId, and a retry after the
// change would create a second document.
var syncNamespace = uuid.MustParse("6f1d2b1e-6b8a-4c3e-9a57-1b0c5f6d2a11")

// SyncID derives a document's syncId from the key of what it mirrors, e.g.
// SyncID(warehouse, "outdoc", outdocID): the same parts give the same id in
// every process and after every restart, so MoySklad can tell a repeat from
// a new document. Parts are joined with NUL, so ("a:b","c") ≠ ("a","b:c").
func SyncID(parts ...string) string {
	return uuid.NewSHA1(syncNamespace, []byte(strings.Join(parts, "\x00"))).String()
}
