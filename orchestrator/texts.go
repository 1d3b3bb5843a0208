package orchestrator

import "fmt"

// plural picks the Russian word form for n: one, few (2–4), many.
func plural(n int, one, few, many string) string {
	m10, m100 := n%10, n%100
	switch {
	case m10 == 1 && m100 != 11:
		return fmt.Sprintf("%d %s", n, one)
	case m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14):
		return fmt.Sprintf("%d %s", n, few)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func positions(n int) string { return plural(n, "позиция", "позиции", "позиций") }

// outdocMark names a warehouse document in a mini-log line. A line carrying
// it shows that the document was already written to MoySklad.
func outdocMark(id int64) string { return fmt.Sprintf("(док. склада %d)", id) }
