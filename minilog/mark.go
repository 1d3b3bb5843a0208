package minilog

import (
	"fmt"
	"strings"
)

// OutdocMark names a warehouse document in a mini-log line. A line
// carrying it, and its warehouse's name, shows that the document was
// already written to MoySklad.
func OutdocMark(id int64) string { return fmt.Sprintf("(док. склада %d)", id) }

// RevertMark names a withdrawn warehouse document in a mini-log line; a
// line carrying it, and its warehouse's name, shows the revert was written.
func RevertMark(id int64) string { return fmt.Sprintf("(отмена док. склада %d)", id) }

// Written reports whether a mini-log line of the comment carries the mark
// of the warehouse's document: the warehouse named before the mark, as
// every line about a warehouse document names it. Two warehouses number
// their documents each on its own, so a mark alone may be another
// warehouse's (a move shipped by one «… передаю на склад <другой>»).
func Written(comment, warehouse, mark string) bool {
	for _, l := range Parse(comment).Lines {
		m, w := strings.Index(l, mark), strings.Index(l, warehouse)
		if m >= 0 && w >= 0 && w < m {
			return true
		}
	}
	return false
}
