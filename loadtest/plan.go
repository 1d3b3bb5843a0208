package loadtest

import "github.com/google/uuid"

// delivery is one POST as MoySklad makes it: a body under a request id.
type delivery struct {
	requestID string
	body      []byte
	docs      []string // the documents it carries, as docKey
	duplicate bool     // repeats the delivery before it
}

// Duplicates as MoySklad produces them, in every 6 deliveries: the 2nd is
// the 1st again under a new request id (deduplicated by audit context and
// document), the 5th the 4th again under the same request id
// (deduplicated by request id). A third of all deliveries are duplicates.
const (
	dupNewRequest  = 1
	dupSameRequest = 4
	dupCycle       = 6
)

// plan is n deliveries of one status change each, duplicates included.
func plan(n int) []delivery {
	out := make([]delivery, n)
	for i := range out {
		switch i % dupCycle {
		case dupNewRequest:
			out[i] = out[i-1]
			out[i].requestID, out[i].duplicate = newRequestID(), true
		case dupSameRequest:
			out[i] = out[i-1]
			out[i].duplicate = true
		default:
			body, docs := statusChanges(1)
			out[i] = delivery{requestID: newRequestID(), body: body, docs: docs}
		}
	}
	return out
}

func newRequestID() string { return uuid.NewString() }
