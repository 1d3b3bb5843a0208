package warehousetest

import (
	"crypto/rand"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
)

// indocTests need no driver: they run against a real account too.
var indocTests = []subtest{
	{name: "CreateAndReadBack", run: createAndReadBack},
	{name: "DuplicateNumber", run: duplicateNumber},
	{name: "RefusedTasks", run: refusedTasks},
	{name: "DeleteThenNotFound", run: deleteThenNotFound},
	{name: "NumberReusableAfterDelete", run: numberReusableAfterDelete},
	{name: "UnknownIDs", run: unknownIDs},
}

// fbox.md §6.1, spec goods_supply_task and common_interface_indoc_json:
// GET /indocs/{id}/json returns the body as created.
func createAndReadBack(t *testing.T, e *env) {
	tk := e.created(t)
	got, err := e.w.GetSupplyTask(e.ctx, tk.IndocID)
	require.NoError(t, err)
	require.Equal(t, fulfillment.IndocSupplyTask, got.IndocType)
	require.Equal(t, tk.IndocID, got.IndocID)
	require.Equal(t, tk.IndocTxt, got.IndocTxt)
	require.Equal(t, tk.Items, got.Items)
	var attrs []int
	for _, a := range got.Attributes {
		attrs = append(attrs, a.AttributeID)
	}
	require.Contains(t, attrs, fulfillment.AttrShipmentDate)
}

// Spec #err1001 and fbox.md §9: the same indoc_id again is error 1001, and
// the failed request changes nothing (#error_desc: rolled back).
func duplicateNumber(t *testing.T, e *env) {
	tk := e.created(t)
	again := tk
	again.IndocTxt = "another body"
	again.Items = []fulfillment.TaskItem{{GoodID: goodA, PlanQnt: 1}}
	err := e.w.CreateSupplyTask(e.ctx, again)
	require.ErrorIs(t, err, fulfillment.ErrDuplicate)
	require.Equal(t, fulfillment.CodeDuplicate, refusal(t, err).Code)
	got, err := e.w.GetSupplyTask(e.ctx, tk.IndocID)
	require.NoError(t, err)
	require.Equal(t, tk.Items, got.Items, "the first task stays as it was")
}

// Rules the spec states for goods_supply_task (schema maxLength and
// required fields; #goods_supply_desc: every good of a supply must be
// registered). A refused task is rolled back (#error_desc): it does not
// exist afterwards.
func refusedTasks(t *testing.T, e *env) {
	long := strings.Repeat("X", 256)
	cases := map[string]func(*fulfillment.SupplyTask){
		"indoc_id longer than 255":  func(tk *fulfillment.SupplyTask) { tk.IndocID = tk.IndocID + long[:256-len(tk.IndocID)] },
		"indoc_txt longer than 255": func(tk *fulfillment.SupplyTask) { tk.IndocTxt = long },
		"good without good_name":    func(tk *fulfillment.SupplyTask) { tk.Goods[1].GoodName = "" },
		"item of an unregistered good": func(tk *fulfillment.SupplyTask) {
			tk.Items = append(tk.Items, fulfillment.TaskItem{GoodID: "NOPE-" + tk.IndocID, PlanQnt: 1})
		},
	}
	for name, breakIt := range cases {
		tk := task(e.id())
		breakIt(&tk)
		err := e.w.CreateSupplyTask(e.ctx, tk)
		require.NotErrorIs(t, err, fulfillment.ErrDuplicate, name)
		refusal(t, err)
		_, err = e.w.GetSupplyTask(e.ctx, tk.IndocID)
		require.ErrorIs(t, err, fulfillment.ErrNotFound, "%s: a refused task is not kept", name)
	}
}

// common_interface_indoc_delete, #goods_supply_desc: a task may be deleted
// before its goods arrive; afterwards it is gone (404, #error_dict).
func deleteThenNotFound(t *testing.T, e *env) {
	tk := e.created(t)
	require.NoError(t, e.w.DeleteIndoc(e.ctx, tk.IndocID))
	_, err := e.w.GetSupplyTask(e.ctx, tk.IndocID)
	require.ErrorIs(t, err, fulfillment.ErrNotFound)
	require.ErrorIs(t, e.w.DeleteIndoc(e.ctx, tk.IndocID), fulfillment.ErrNotFound, "deleting twice")
}

// #indoc_id_desc: after deletion the number may be used again.
func numberReusableAfterDelete(t *testing.T, e *env) {
	tk := e.created(t)
	require.NoError(t, e.w.DeleteIndoc(e.ctx, tk.IndocID))
	tk.Items = []fulfillment.TaskItem{{GoodID: goodB, PlanQnt: 7}}
	require.NoError(t, e.w.CreateSupplyTask(e.ctx, tk))
	got, err := e.w.GetSupplyTask(e.ctx, tk.IndocID)
	require.NoError(t, err)
	require.Equal(t, tk.Items, got.Items)
}

// #error_dict 404 «Запрашиваемый ресурс не найден» for unknown indocs and
// outdocs; outdoc_check_resp lists ids the warehouse does not have.
func unknownIDs(t *testing.T, e *env) {
	indoc := e.id()
	_, err := e.w.GetSupplyTask(e.ctx, indoc)
	require.ErrorIs(t, err, fulfillment.ErrNotFound)
	require.ErrorIs(t, e.w.DeleteIndoc(e.ctx, indoc), fulfillment.ErrNotFound)

	outdoc := unusedOutdocID()
	_, err = e.w.GetSupply(e.ctx, outdoc)
	require.ErrorIs(t, err, fulfillment.ErrNotFound)
	missing, err := e.w.CheckOutdocs(e.ctx, outdoc)
	require.NoError(t, err)
	require.Equal(t, []int64{outdoc}, missing)
	// Locking an unknown document is not checked: the spec names no answer.
}

// unusedOutdocID is near the top of outdoc_id's int32 range, where no real
// account has documents yet.
func unusedOutdocID() int64 {
	n, _ := rand.Int(rand.Reader, big.NewInt(1<<20))
	return 1<<31 - 1 - n.Int64()
}
