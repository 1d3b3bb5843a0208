package orchestrator

import (
	"fmt"
	"strings"
)

// Problem is one reason a document cannot be handed on: to the warehouse,
// to the carrier.
type Problem struct {
	Line int    // 1-based position number, 0 for the whole document
	Text string // Russian, for the mini-log
}

// Problems lists every problem found in a document, so staff fix them all
// at once.
type Problems []Problem

func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, x := range p {
		if x.Line > 0 {
			parts[i] = fmt.Sprintf("стр. %d: %s", x.Line, x.Text)
		} else {
			parts[i] = x.Text
		}
	}
	return strings.Join(parts, "; ")
}
