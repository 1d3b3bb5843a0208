package corrections

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/placement"
)

const (
	useful    = fulfillment.QualUseful
	defective = fulfillment.QualDefective
	stock     = fulfillment.GoodStateStock
	quar      = fulfillment.GoodStateQuarantine
	long      = fulfillment.GoodStateLongStorage
)

func mv(good, state, qual string, n int32) fulfillment.GoodMove {
	return fulfillment.GoodMove{GoodID: good, GoodState: state, QualType: qual, Qnt: n}
}

func TestPlan(t *testing.T) {
	t.Parallel()
	base := placement.Rules{Store: "S", Defective: true}
	withDefect := base
	withDefect.DefectStore = "D"
	withLong := withDefect
	withLong.LongStorageStore = "L"
	keep := base
	keep.KeepQuarantine = true
	notBooked := base
	notBooked.Defective = false
	tests := []struct {
		name  string
		rules placement.Rules
		moves []fulfillment.GoodMove
		want  []Doc
	}{
		{"manual not found, writeoff", base, []fulfillment.GoodMove{mv("A", stock, useful, -2), mv("A", quar, useful, 2)},
			[]Doc{{Type: TypeLoss, From: "S", Lines: []Line{{"A", 2}}}}},
		{"manual not found, keep", keep, []fulfillment.GoodMove{mv("A", stock, useful, -2), mv("A", quar, useful, 2)}, nil},
		{"manual found back, writeoff", base, []fulfillment.GoodMove{mv("A", stock, useful, 2), mv("A", quar, useful, -2)},
			[]Doc{{Type: "enter", To: "S", Lines: []Line{{"A", 2}}}}},
		{"quarantine reset, keep", keep, []fulfillment.GoodMove{mv("A", quar, useful, -5)},
			[]Doc{{Type: TypeLoss, From: "S", Lines: []Line{{"A", 5}}}}},
		{"quarantine reset, writeoff", base, []fulfillment.GoodMove{mv("A", quar, useful, -5)}, nil},
		{"useful to defective, defect store", withDefect, []fulfillment.GoodMove{mv("A", stock, useful, -2), mv("A", stock, defective, 2)},
			[]Doc{{Type: "move", From: "S", To: "D", Lines: []Line{{"A", 2}}}}},
		{"useful to defective, no defect store", base, []fulfillment.GoodMove{mv("A", stock, useful, -2), mv("A", stock, defective, 2)}, nil},
		{"useful to defective, defects not booked", notBooked, []fulfillment.GoodMove{mv("A", stock, useful, -2), mv("A", stock, defective, 2)},
			[]Doc{{Type: TypeLoss, From: "S", Lines: []Line{{"A", 2}}}}},
		{"regrade is a loss and an enter, never a move", base, []fulfillment.GoodMove{mv("A", stock, useful, -2), mv("B", stock, useful, 2)},
			[]Doc{{Type: "enter", To: "S", Lines: []Line{{"B", 2}}}, {Type: TypeLoss, From: "S", Lines: []Line{{"A", 2}}}}},
		{"to long storage", withLong, []fulfillment.GoodMove{mv("A", stock, useful, -3), mv("A", long, useful, 3),
			mv("B", stock, useful, -1), mv("B", long, useful, 1), mv("B", stock, defective, -1), mv("B", long, defective, 1)},
			[]Doc{{Type: "move", From: "D", To: "L", Lines: []Line{{"B", 1}}}, {Type: "move", From: "S", To: "L", Lines: []Line{{"A", 3}, {"B", 1}}}}},
		{"to long storage, no long-storage store", withDefect, []fulfillment.GoodMove{mv("A", stock, useful, -3), mv("A", long, useful, 3)}, nil},
		{"partly paired: the rest is an enter", withDefect, []fulfillment.GoodMove{mv("A", stock, useful, -1), mv("A", stock, defective, 3)},
			[]Doc{{Type: "enter", To: "D", Lines: []Line{{"A", 2}}}, {Type: "move", From: "S", To: "D", Lines: []Line{{"A", 1}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, Plan(tt.rules, tt.moves))
		})
	}
}

func TestPlanBooksWhatPlacementBooks(t *testing.T) {
	t.Parallel()
	rules := placement.Rules{Store: "S", DefectStore: "D", LongStorageStore: "L", Defective: true}
	moves := []fulfillment.GoodMove{mv("A", stock, useful, -4), mv("A", long, useful, 1), mv("A", stock, defective, 2),
		mv("B", stock, defective, -2), mv("B", quar, useful, 2), mv("C", long, defective, 7)}
	got := map[placement.Key]int64{}
	for _, d := range Plan(rules, moves) {
		for _, l := range d.Lines {
			if d.From != "" {
				got[placement.Key{Store: d.From, GoodID: l.GoodID}] -= l.Qty
			}
			if d.To != "" {
				got[placement.Key{Store: d.To, GoodID: l.GoodID}] += l.Qty
			}
		}
	}
	require.Equal(t, rules.Deltas(moves), got)
}
