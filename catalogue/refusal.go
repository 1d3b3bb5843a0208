package catalogue

import (
	"fmt"
	"strings"
)

// Line is one reason goods cannot go to the warehouse, for staff.
type Line struct {
	// Position is the 0-based index of the position concerned, -1 for the
	// whole document (or, in Sync, an item outside any document).
	Position int
	Text     string // Russian, for the mini-log
}

// Refusal is returned when goods cannot be registered or named in a task:
// every line says what to fix. The flow writes «Ошибка передачи» with them.
type Refusal struct {
	Lines []Line
}

func (r *Refusal) Error() string {
	parts := make([]string, len(r.Lines))
	for i, l := range r.Lines {
		if l.Position >= 0 {
			parts[i] = fmt.Sprintf("стр. %d: %s", l.Position+1, l.Text)
		} else {
			parts[i] = l.Text
		}
	}
	return strings.Join(parts, "; ")
}
