package warehousetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

// Harness is one backend as a subtest sees it.
type Harness struct {
	// Warehouse is the port under test: the FBox client pointed at the
	// backend. Required.
	Warehouse fulfillment.Warehouse
	// Driver makes the warehouse act. Nil on a real account.
	Driver Driver
}

// Line is what arrived of one good.
type Line = fboxtest.Line

// Driver plays the warehouse's side; *fboxtest.Server is one.
type Driver interface {
	Receive(indocID string, lines ...Line) (int64, error)
	ReceivePart(indocID string, partNum int32, lines ...Line) (int64, error)
	ReceiveNothing(indocID string) (int64, error)
	ReceiveSurplus(indocID string, lines ...Line) (int64, error)
	Correct(outdocID int64, lines ...Line) error
	DeleteOutdoc(outdocID int64) error
	AddUnknown(indocID, barcode, descrip string, qnt int32)
	Identify(barcode string)
}

// Features say what a backend can do. A subtest needing a missing feature
// is skipped with the reason.
type Features struct {
	// Receive: the driver issues goods_supply documents for a task (whole,
	// in parts, nothing arrived).
	Receive bool
	// Surplus: the driver issues a separate surplus goods_supply.
	Surplus bool
	// Correct: the driver asks to unlock a locked document and replaces it.
	Correct bool
	// DeleteOutdoc: the driver deletes an unlocked outgoing document.
	DeleteOutdoc bool
	// Unknown: the driver receives goods with an unknown barcode.
	Unknown bool
	// Known maps a subtest name to why this backend is known to differ from
	// the reference; that subtest is skipped with the reason.
	Known map[string]string
}

type need int

const (
	needReceive need = iota + 1
	needSurplus
	needCorrect
	needDeleteOutdoc
	needUnknown
)

func (f Features) lacks(needs []need) string {
	for _, n := range needs {
		switch {
		case n == needReceive && !f.Receive:
			return "the backend cannot be made to receive goods (no driver)"
		case n == needSurplus && !f.Surplus:
			return "the backend cannot be made to issue a surplus document (no driver)"
		case n == needCorrect && !f.Correct:
			return "the backend cannot be made to correct a document (no driver)"
		case n == needDeleteOutdoc && !f.DeleteOutdoc:
			return "the backend cannot be made to delete an outgoing document (no driver)"
		case n == needUnknown && !f.Unknown:
			return "the backend cannot be made to receive unknown goods (no driver)"
		}
	}
	return ""
}

type subtest struct {
	name  string
	needs []need
	run   func(t *testing.T, e *env)
}

// Exercise runs the suite. newHarness is called once per subtest; subtests
// run in parallel, so a backend that takes one request at a time should
// hand every subtest the same client (the FBox client queues its calls).
func Exercise(t *testing.T, f Features, newHarness func(t *testing.T) Harness) {
	t.Helper()
	ids := &idSource{run: newRunID()}
	for _, groups := range [][]subtest{indocTests, outdocTests, driverTests, catalogueTests, orderTests} {
		for _, st := range groups {
			t.Run(st.name, func(t *testing.T) {
				t.Parallel()
				if why, ok := f.Known[st.name]; ok {
					t.Skip(why)
				}
				if why := f.lacks(st.needs); why != "" {
					t.Skip(why)
				}
				h := newHarness(t)
				if len(st.needs) > 0 && h.Driver == nil {
					t.Fatal("Features promise a driver, the harness gave none")
				}
				st.run(t, &env{ctx: t.Context(), w: h.Warehouse, d: h.Driver, ids: ids})
			})
		}
	}
}

// env is what one subtest works with.
type env struct {
	ctx context.Context
	w   fulfillment.Warehouse
	d   Driver
	ids *idSource
}

// idSource numbers tasks across the whole run.
type idSource struct {
	run string
	n   atomic.Int64
}

// Goods the suite registers in every task it sends; a real account keeps
// them, so they are fixed rather than new on every run.
const (
	goodA = "SKLADFLOW-CT-1"
	goodB = "SKLADFLOW-CT-2"
)

// newRunID makes indoc numbers unique per run: a real account keeps state.
func newRunID() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return "CT" + strings.ToUpper(time.Now().Format("060102150405")+hex.EncodeToString(b))
}

// id is a new short alphanumeric indoc number (#indoc_id_desc recommends
// short codes).
func (e *env) id() string { return fmt.Sprintf("%s%03d", e.ids.run, e.ids.n.Add(1)) }

// task is a valid goods_supply_task (fbox.md §6.1) that registers its goods.
func task(id string) fulfillment.SupplyTask {
	return fulfillment.SupplyTask{
		IndocID:  id,
		IndocTxt: "skladflow conformance " + id,
		Attributes: []fulfillment.Attribute{
			{AttributeID: fulfillment.AttrShipmentDate, Value: time.Now().Add(72 * time.Hour).In(fulfillment.Moscow).Format(time.RFC3339)},
		},
		Goods: []fulfillment.Good{{GoodID: goodA, GoodName: "Conformance kettle 2 l"}, {GoodID: goodB, GoodName: "Conformance mug 350 ml"}},
		Items: []fulfillment.TaskItem{{GoodID: goodA, PlanQnt: 10}, {GoodID: goodB, PlanQnt: 5}},
	}
}

// created sends a valid task and deletes it when the subtest ends, where
// the warehouse still allows it.
func (e *env) created(t *testing.T) fulfillment.SupplyTask {
	t.Helper()
	tk := task(e.id())
	require.NoError(t, e.w.CreateSupplyTask(e.ctx, tk), "create %s", tk.IndocID)
	t.Cleanup(func() { _ = e.w.DeleteIndoc(context.WithoutCancel(e.ctx), tk.IndocID) })
	return tk
}

// refusal checks an FBox answer to a request it refused: success:false
// with a business code (≥ 1000) or 400 for bad request content
// (#error_desc).
func refusal(t *testing.T, err error) *fulfillment.Error {
	t.Helper()
	var fe *fulfillment.Error
	require.ErrorAs(t, err, &fe, "want an FBox refusal")
	require.True(t, fe.Code == 400 || fe.Code >= 1000, "want error_code 400 or ≥ 1000 (#error_desc), got %v", err)
	return fe
}
