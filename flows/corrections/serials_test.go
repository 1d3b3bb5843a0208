package corrections

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/placement"
)

func sn(good, qual, serial string, inout int) fulfillment.SerialMove {
	return fulfillment.SerialMove{GoodID: good, QualType: qual, GoodSN: serial, InOut: inout}
}

// Each serial goes on the line of the store its unit left or reached,
// whichever sides the warehouse reports; goods without serials and units
// without one get none.
func TestPlanSerials(t *testing.T) {
	t.Parallel()
	base := placement.Rules{Store: "S", Defective: true}
	keep := base
	keep.KeepQuarantine = true
	full := placement.Rules{Store: "S", DefectStore: "D", LongStorageStore: "L", Defective: true}
	const in, out = fulfillment.SerialIn, fulfillment.SerialOut
	tests := []struct {
		name  string
		rules placement.Rules
		moves []fulfillment.GoodMove
		sns   []fulfillment.SerialMove
		want  map[string]map[string][]string // doc key → good → things
	}{
		{"not found: a loss of the unit gone into quarantine", base,
			[]fulfillment.GoodMove{mv("A", stock, useful, -1), mv("A", quar, useful, 1)},
			[]fulfillment.SerialMove{sn("A", useful, "SN1", out), sn("A", useful, "SN1", in)},
			map[string]map[string][]string{"loss:S": {"A": {"SN1"}}}},
		{"not found, departures only reported", base,
			[]fulfillment.GoodMove{mv("A", stock, useful, -2), mv("A", quar, useful, 2)},
			[]fulfillment.SerialMove{sn("A", useful, "SN2", out), sn("A", useful, "SN1", out)},
			map[string]map[string][]string{"loss:S": {"A": {"SN2", "SN1"}}}},
		{"not found, keep: nothing booked", keep,
			[]fulfillment.GoodMove{mv("A", stock, useful, -1), mv("A", quar, useful, 1)},
			[]fulfillment.SerialMove{sn("A", useful, "SN1", out), sn("A", useful, "SN1", in)}, nil},
		{"found back: an enter of the unit out of quarantine", base,
			[]fulfillment.GoodMove{mv("A", stock, useful, 1), mv("A", quar, useful, -1)},
			[]fulfillment.SerialMove{sn("A", useful, "SN1", out), sn("A", useful, "SN1", in)},
			map[string]map[string][]string{"enter:S": {"A": {"SN1"}}}},
		{"to long storage: a move per source store", full,
			[]fulfillment.GoodMove{mv("A", stock, useful, -2), mv("A", long, useful, 2), mv("A", stock, defective, -1), mv("A", long, defective, 1),
				mv("B", stock, useful, -1), mv("B", long, useful, 1)},
			[]fulfillment.SerialMove{sn("A", useful, "SN1", out), sn("A", useful, "SN2", out), sn("A", defective, "SN3", out),
				sn("A", useful, "SN1", in), sn("A", useful, "SN2", in), sn("A", defective, "SN3", in)},
			map[string]map[string][]string{"move:S>L": {"A": {"SN1", "SN2"}}, "move:D>L": {"A": {"SN3"}}}},
		{"from long storage, arrivals only reported", full,
			[]fulfillment.GoodMove{mv("A", stock, useful, 2), mv("A", long, useful, -2)},
			[]fulfillment.SerialMove{sn("A", useful, "SN1", in), sn("A", useful, "SN2", in)},
			map[string]map[string][]string{"move:L>S": {"A": {"SN1", "SN2"}}}},
		{"useful to defective: the unit changes quality and store", full,
			[]fulfillment.GoodMove{mv("A", stock, useful, -1), mv("A", stock, defective, 1)},
			[]fulfillment.SerialMove{sn("A", useful, "SN4", out), sn("A", defective, "SN4", in)},
			map[string]map[string][]string{"move:S>D": {"A": {"SN4"}}}},
		{"regrade: the loss and the enter each their own good's serial", base,
			[]fulfillment.GoodMove{mv("A", stock, useful, -1), mv("B", stock, useful, 1)},
			[]fulfillment.SerialMove{sn("A", useful, "SN-A", out), sn("B", useful, "SN-B", in)},
			map[string]map[string][]string{"loss:S": {"A": {"SN-A"}}, "enter:S": {"B": {"SN-B"}}}},
		{"fewer serials than units: only those; a good without serials: none", base,
			[]fulfillment.GoodMove{mv("A", stock, useful, -3), mv("A", quar, useful, 3), mv("B", stock, useful, -1), mv("B", quar, useful, 1)},
			[]fulfillment.SerialMove{sn("A", useful, "SN1", out), sn("A", useful, "SN1", in)},
			map[string]map[string][]string{"loss:S": {"A": {"SN1"}}}},
		{"more serials than units: never beyond the quantity", base,
			[]fulfillment.GoodMove{mv("A", stock, useful, -1), mv("A", quar, useful, 1)},
			[]fulfillment.SerialMove{sn("A", useful, "SN1", out), sn("A", useful, "SN2", out)},
			map[string]map[string][]string{"loss:S": {"A": {"SN1"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plan := withSerials(tt.rules, tt.moves, tt.sns, Plan(tt.rules, tt.moves))
			got := map[string]map[string][]string{}
			for _, d := range plan {
				if d.Things != nil {
					got[d.Key()] = d.Things
				}
			}
			if tt.want == nil {
				tt.want = map[string]map[string][]string{}
			}
			require.Equal(t, tt.want, got)
			require.Equal(t, Plan(tt.rules, tt.moves), withoutThings(plan), "serials change no line")
		})
	}
}

func withoutThings(plan []Doc) []Doc {
	for i := range plan {
		plan[i].Things = nil
	}
	return plan
}
