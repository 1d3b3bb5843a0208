package retryhttp

import "errors"

// Temporary is how a caller asks whether a failed call may succeed later:
// the first error in err's chain with a Temporary method answers (each
// client's errors have one; a client puts its own outermost, before the
// net package's, whose Temporary says false for a refused connection).
// known is false when no error in the chain says.
func Temporary(err error) (temporary, known bool) {
	var t interface{ Temporary() bool }
	if errors.As(err, &t) {
		return t.Temporary(), true
	}
	return false, false
}
