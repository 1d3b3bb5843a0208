package minilog

import (
	"fmt"
	"math"
	"strings"
)

// Plural picks the Russian word form for n: one, few (2–4), many.
func Plural(n int, one, few, many string) string {
	m10, m100 := n%10, n%100
	switch {
	case m10 == 1 && m100 != 11:
		return fmt.Sprintf("%d %s", n, one)
	case m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14):
		return fmt.Sprintf("%d %s", n, few)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Positions counts document lines for staff: «1 позиция», «3 позиции».
func Positions(n int) string { return Plural(n, "позиция", "позиции", "позиций") }

// Qty prints a quantity without a needless fraction.
func Qty(q float64) string {
	if q == math.Trunc(q) && math.Abs(q) < 1e15 {
		return fmt.Sprintf("%d", int64(q))
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", q), "0"), ".")
}
