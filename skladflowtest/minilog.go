package skladflowtest

import (
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
)

// LogLines are the mini-log lines skladflow wrote in the document's
// comment, oldest first.
func LogLines(d moysklad.Document) []string { return minilog.Parse(d.Description).Lines }

// LastLine is the newest mini-log line, "" when there is none.
func LastLine(d moysklad.Document) string {
	l := LogLines(d)
	if len(l) == 0 {
		return ""
	}
	return l[len(l)-1]
}

// Quantities sums the document's positions by product article.
func Quantities(d moysklad.Document) map[string]float64 {
	out := map[string]float64{}
	for _, p := range d.Rows() {
		out[p.Assortment.Article] += p.Quantity
	}
	return out
}
