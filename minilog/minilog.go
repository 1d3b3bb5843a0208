// Package minilog keeps skladflow's log in a MoySklad document comment.
//
// Support staff read only the comment, so each event is one Russian line
// with Moscow date-time and the concrete cause. The staff's own text stays
// on top, untouched; skladflow's lines follow a separator line, newest
// last. The whole comment stays within MoySklad's limit: the oldest log
// lines are dropped first.
package minilog

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Separator divides staff text from skladflow's lines.
const Separator = "—— skladflow ——"

// Limit is MoySklad's comment length, in characters.
const Limit = 4096

// moscow is fixed UTC+3: Moscow has no DST since 2014.
var moscow = time.FixedZone("MSK", 3*60*60)

// timeLayout is how a line is stamped: "24.11.2026 19:34".
const timeLayout = "02.01.2006 15:04"

// Log is a parsed comment.
type Log struct {
	Staff string   // staff text above the separator, verbatim
	Lines []string // skladflow's lines, oldest first
}

// Parse splits a comment into staff text and log lines.
func Parse(comment string) Log {
	i := strings.LastIndex(comment, Separator)
	if i < 0 {
		return Log{Staff: comment}
	}
	staff := strings.TrimSuffix(comment[:i], "\n")
	var lines []string
	for _, l := range strings.Split(comment[i+len(Separator):], "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return Log{Staff: staff, Lines: lines}
}

// Line formats one log line stamped with at in Moscow time. Line breaks in
// text are folded so that one event stays one line.
func Line(at time.Time, text string) string {
	text = strings.Join(strings.Fields(text), " ")
	return at.In(moscow).Format(timeLayout) + " " + text
}

// EndsWith reports whether the comment's newest log lines are texts, in
// order, whatever their stamps: a write a crash interrupted before it was
// recorded shows so, and is not made twice.
func EndsWith(comment string, texts ...string) bool {
	lines := Parse(comment).Lines
	if len(texts) == 0 || len(lines) < len(texts) {
		return false
	}
	tail := lines[len(lines)-len(texts):]
	for i, t := range texts {
		stamp := len(timeLayout) + 1 // the stamp is ASCII, then a space
		if len(tail[i]) < stamp || tail[i][stamp:] != strings.Join(strings.Fields(t), " ") {
			return false
		}
	}
	return true
}

// Append adds lines to the comment and returns the new comment, at most
// Limit characters: the oldest log lines go first; if the staff text leaves
// no room for even the newest line, that line is shortened; staff text is
// never changed. dropped counts the old lines that no longer fit.
func Append(comment string, lines ...string) (out string, dropped int) {
	l := Parse(comment)
	l.Lines = append(l.Lines, lines...)
	return l.render()
}

func (l Log) render() (string, int) {
	head := Separator
	if l.Staff != "" {
		head = l.Staff + "\n" + Separator
	}
	budget := Limit - utf8.RuneCountInString(head)
	// Walk from the newest line back while lines fit.
	keep := 0
	used := 0
	for i := len(l.Lines) - 1; i >= 0; i-- {
		n := 1 + utf8.RuneCountInString(l.Lines[i])
		if used+n > budget {
			break
		}
		used += n
		keep++
	}
	lines := l.Lines[len(l.Lines)-keep:]
	dropped := len(l.Lines) - keep
	if keep == 0 && len(l.Lines) > 0 && budget > 1 {
		// Not even the newest line fits whole: keep what fits of it.
		lines = []string{truncate(l.Lines[len(l.Lines)-1], budget-1)}
		dropped--
	}
	if len(lines) == 0 {
		if budget < 0 {
			// The staff text alone is at the limit: leave it as it is.
			return l.Staff, dropped
		}
		return head, dropped
	}
	return head + "\n" + strings.Join(lines, "\n"), dropped
}

// truncate shortens s to n characters, ending with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
