package delivery

import (
	"slices"
	"strings"
	"unicode"
)

// phones turns a phone field as staff typed it into the numbers CDEK takes:
// international format, +7 and 10 digits for Russia (cdek.md §3.1-3.2:
// phones[].number, at most 24 characters). A field may hold several
// numbers ("8 912 …, +7 999 …"); each usable one is kept, in order, as
// CDEK's phones is a list. None usable: nil.
func phones(field string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(field, func(r rune) bool { return strings.ContainsRune(",;/\n", r) }) {
		if n, ok := phone(part); ok && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// phone normalises one number. An extension ("доб. 12", "ext 5") is
// dropped: it starts at the first letter. Without a plus a number is
// Russian: 8 or 7 and 10 digits, or the 10 digits alone. With a plus the
// country code is as typed (E.164: at most 15 digits).
func phone(s string) (string, bool) {
	if i := strings.IndexFunc(s, unicode.IsLetter); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	var d strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case strings.ContainsRune("+ -().\u00a0\t", r):
		default:
			return "", false
		}
	}
	n := d.String()
	switch {
	case plus && strings.HasPrefix(n, "7"):
		return "+" + n, len(n) == 11
	case plus:
		return "+" + n, len(n) >= 7 && len(n) <= 15 && n[0] != '0'
	case len(n) == 11 && (n[0] == '8' || n[0] == '7'):
		return "+7" + n[1:], true
	case len(n) == 10:
		return "+7" + n, true
	}
	return "", false
}
