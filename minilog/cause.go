package minilog

import "errors"

// Cause is an error as staff read it in the mini-log: a peer's error that
// knows its staff text (the warehouse's or MoySklad's code and text)
// gives it, without the request; any other error its own text.
func Cause(err error) string {
	var st interface{ StaffText() string }
	if errors.As(err, &st) {
		return st.StaffText()
	}
	return err.Error()
}
