package stockcheck

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/skladflow/skladflow/storage"
)

// Units are a good's units by MoySklad store id.
type Units map[string]float64

// add adds u to the units.
func (a Units) add(u Units) {
	for s, n := range u {
		a[s] += n
	}
}

// minus is a − b, store by store.
func minus(a, b Units) Units {
	out := Units{}
	for s, n := range a {
		out[s] += n
	}
	for s, n := range b {
		out[s] -= n
	}
	return out
}

// equal compares units store by store; a missing store is zero.
func equal(a, b Units) bool {
	for s := range a {
		if !same(a[s], b[s]) {
			return false
		}
	}
	for s := range b {
		if !same(a[s], b[s]) {
			return false
		}
	}
	return true
}

func (a Units) zero() bool { return equal(a, nil) }

func (a Units) total() float64 {
	var t float64
	for _, n := range a {
		t += n
	}
	return t
}

// same compares quantities: MoySklad answers floats.
func same(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// Doc is a warehouse document that moved a good, and skladflow's record
// of it.
type Doc struct {
	OutdocID  int64
	Type      string
	TypeName  string // outdoc_type_descrip
	CreatedAt time.Time
	// Status is skladflow's outdoc status; "" when the feed never recorded
	// the document.
	Status string
	// Moves is what the document changes in MoySklad, by store
	// (placement.Rules of its moves).
	Moves Units
}

// Good is one good's two sides.
type Good struct {
	GoodID         string // "" when the warehouse does not know it
	AssortmentID   string // "" when MoySklad does not know it (no mapping)
	AssortmentType string
	Name           string
	// Expected is what MoySklad should hold by the warehouse's stock
	// (placement.Rules.Booked of its stock lines), Actual what it holds.
	Expected, Actual Units
	// Docs are the documents that moved the good (drill-down); nil when
	// it was not drilled into.
	Docs []Doc
	// Drilled says the documents were read.
	Drilled bool
}

// Policy is what the classification needs to know of the installation.
type Policy struct {
	// Mirrored says a configured flow applies outdocs of the type.
	Mirrored func(outdocType string) bool
	// Now and Horizon: a document created within Horizon of Now may not be
	// listed in the feed yet (#outdoc_share_desc: up to 5 minutes).
	Now     time.Time
	Horizon time.Duration
}

// Result is a good's class with what shows it.
type Result struct {
	Class string
	Note  string
	// Docs are the good's documents with their role: in_flight,
	// unmirrored or applied.
	Docs []storage.StockCheckDocument
}

// Document roles in a result.
const (
	RoleInFlight   = "in_flight"
	RoleUnmirrored = "unmirrored"
	RoleApplied    = "applied"
	RoleFailed     = "failed"
)

// maxSubset bounds the in-flight documents whose every combination is
// tried; beyond it only all of them together, and each alone, are.
const maxSubset = 12

// Classify decides a good's class (issue 12 §3). The difference is what
// MoySklad lacks: Expected − Actual, store by store.
//   - matched: no difference;
//   - in flight: the difference is what some of the documents skladflow has
//     not applied yet move (read, not written; not read yet; being
//     reverted; or young enough that the feed may not list it yet);
//   - explained: it is what the documents of types no configured flow
//     mirrors moved, plus possibly some in flight;
//   - unexplained otherwise, and whenever one side does not know the good.
func Classify(g Good, p Policy) Result {
	diff := minus(g.Expected, g.Actual)
	docs := describe(g.Docs, p)
	switch {
	case diff.zero():
		return Result{Class: storage.StockMatched, Docs: docs}
	case g.AssortmentID == "":
		return Result{Class: storage.StockUnexplained, Docs: docs,
			Note: fmt.Sprintf("товар склада %s не связан с товаром МойСклад (ни среди зарегистрированных skladflow, ни по артикулу или коду; skladflow goods sync регистрирует товары МойСклад на складе): на складе %s ед.", g.GoodID, num(g.Expected.total()))}
	case g.GoodID == "":
		return Result{Class: storage.StockUnexplained, Docs: docs,
			Note: fmt.Sprintf("товар МойСклад не зарегистрирован на складе, а в МойСклад на складе %s ед.", num(g.Actual.total()))}
	}
	var pending []Units
	unmirrored := Units{}
	var unmirroredTypes, failed []string
	for i, d := range g.Docs {
		switch docs[i].Role {
		case RoleInFlight:
			m := d.Moves
			if d.Status == storage.OutdocRevert {
				// MoySklad still holds what the reverted document booked;
				// the warehouse may have taken it back already.
				m = minus(nil, d.Moves)
			}
			pending = append(pending, m)
		case RoleUnmirrored:
			unmirrored.add(d.Moves)
			unmirroredTypes = appendOnce(unmirroredTypes, typeLabel(d))
		case RoleFailed:
			failed = append(failed, fmt.Sprintf("№%d (%s)", d.OutdocID, typeLabel(d)))
		}
	}
	if subsetSum(pending, diff) {
		return Result{Class: storage.StockInFlight, Docs: docs, Note: "разница — документы склада, ещё не применённые skladflow: " + differs(diff)}
	}
	if !unmirrored.zero() && subsetSum(pending, minus(diff, unmirrored)) {
		return Result{Class: storage.StockExplained, Docs: docs,
			Note: "разница — документы склада, которые skladflow не переносит: " + strings.Join(unmirroredTypes, ", ") + "; " + differs(diff)}
	}
	note := "разница не объясняется документами склада: " + differs(diff)
	switch {
	case len(failed) > 0:
		note += "; не применены из-за ошибки: " + strings.Join(failed, ", ")
	case !g.Drilled:
		note += "; движения товара не запрошены (предел запросов за проверку)"
	}
	return Result{Class: storage.StockUnexplained, Docs: docs, Note: note}
}

// describe gives each document its role and what it books in all.
func describe(docs []Doc, p Policy) []storage.StockCheckDocument {
	out := make([]storage.StockCheckDocument, len(docs))
	for i, d := range docs {
		role := RoleApplied
		young := p.Horizon > 0 && p.Now.Sub(d.CreatedAt) < p.Horizon
		switch {
		case p.Mirrored != nil && !p.Mirrored(d.Type):
			role = RoleUnmirrored
		case d.Status == storage.OutdocFailed:
			role = RoleFailed
		case d.Status == "" || d.Status == storage.OutdocNew || d.Status == storage.OutdocApplied || d.Status == storage.OutdocRevert ||
			d.Status == StatusAwaitingFinal || young:
			role = RoleInFlight
		}
		out[i] = storage.StockCheckDocument{OutdocID: d.OutdocID, Type: d.Type, TypeName: d.TypeName, CreatedAt: d.CreatedAt,
			Qnt: d.Moves.total(), Status: d.Status, Role: role}
	}
	return out
}

// subsetSum reports whether some of the parts (none counts) add up to
// want, store by store.
func subsetSum(parts []Units, want Units) bool {
	if want.zero() {
		return true
	}
	if len(parts) > maxSubset {
		all := Units{}
		for _, p := range parts {
			if equal(p, want) {
				return true
			}
			all.add(p)
		}
		return equal(all, want)
	}
	for mask := 1; mask < 1<<len(parts); mask++ {
		sum := Units{}
		for i, p := range parts {
			if mask&(1<<i) != 0 {
				sum.add(p)
			}
		}
		if equal(sum, want) {
			return true
		}
	}
	return false
}

// differs says the difference for staff: «в МойСклад на 3 ед. меньше».
func differs(diff Units) string {
	t := diff.total()
	switch {
	case t > 0:
		return "в МойСклад на " + num(t) + " ед. меньше"
	case t < 0:
		return "в МойСклад на " + num(-t) + " ед. больше"
	}
	return "по складам МойСклад распределено иначе"
}

func num(f float64) string { return fmt.Sprintf("%g", f) }

func typeLabel(d Doc) string {
	if d.TypeName != "" {
		return d.TypeName + " (" + d.Type + ")"
	}
	return d.Type
}

func appendOnce(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// sortedKeys lists a map's keys in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// sortedStores lists the stores of the units in order.
func sortedStores(us ...Units) []string {
	set := map[string]bool{}
	for _, u := range us {
		for s := range u {
			set[s] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}
