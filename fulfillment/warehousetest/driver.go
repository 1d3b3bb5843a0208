package warehousetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
)

// driverTests make the warehouse act, so they run where a driver exists.
var driverTests = []subtest{
	{name: "ReceiptReadBack", needs: []need{needReceive}, run: receiptReadBack},
	{name: "NoDeleteAfterArrival", needs: []need{needReceive}, run: noDeleteAfterArrival},
	{name: "LockAndUnlock", needs: []need{needReceive}, run: lockAndUnlock},
	{name: "ListWindowAndPages", needs: []need{needReceive}, run: listWindowAndPages},
	{name: "PartialReceipt", needs: []need{needReceive}, run: partialReceipt},
	{name: "NothingArrived", needs: []need{needReceive}, run: nothingArrived},
	{name: "SeparateSurplus", needs: []need{needReceive, needSurplus}, run: separateSurplus},
	{name: "CorrectionByUnlockRequest", needs: []need{needReceive, needCorrect}, run: correctionByUnlockRequest},
	{name: "DeletedOutdocReported", needs: []need{needReceive, needDeleteOutdoc}, run: deletedOutdocReported},
	{name: "UnknownGoodsBlockCompletion", needs: []need{needReceive, needUnknown}, run: unknownGoodsBlockCompletion},
}

// received creates a task and has the warehouse receive it: goodA short
// with a defect, goodB as planned.
func (e *env) received(t *testing.T) (fulfillment.SupplyTask, int64) {
	t.Helper()
	tk := e.created(t)
	id, err := e.d.Receive(tk.IndocID, Line{GoodID: goodA, Useful: 8, Defective: 1}, Line{GoodID: goodB, Useful: 5})
	require.NoError(t, err)
	return tk, id
}

// fbox.md §6.2, spec goods_supply and outdoc_list_resp: the receipt is
// listed under its task, unlocked, final (no part_num), and its body
// carries plan, useful and defective quantities per good; dates are Moscow
// time (#date_desc), outdoc_date a date.
func receiptReadBack(t *testing.T, e *env) {
	tk, id := e.received(t)
	hs := e.of(t, tk.IndocID, fulfillment.OutdocFilter{})
	require.Equal(t, []int64{id}, ids(hs))
	h := hs[0]
	require.Equal(t, fulfillment.OutdocSupply, h.OutdocType)
	require.False(t, h.Locked)
	require.False(t, h.UnlockRequest)
	require.Nil(t, h.PartNum, "a single receipt is the last one")

	s, err := e.w.GetSupply(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, fulfillment.OutdocSupply, s.OutdocType)
	require.Equal(t, id, s.Common.OutdocID)
	require.Equal(t, tk.IndocID, s.Common.IndocID)
	require.ElementsMatch(t, []fulfillment.SupplyGood{
		{GoodID: goodA, PlanQnt: 10, UsefulQnt: 8, DefectiveQnt: 1},
		{GoodID: goodB, PlanQnt: 5, UsefulQnt: 5},
	}, s.Goods)
	hh, mm, ss := s.Common.OutdocDate.In(fulfillment.Moscow).Clock()
	require.Zero(t, hh*3600+mm*60+ss, "outdoc_date is a Moscow date")
	require.WithinDuration(t, time.Now(), s.Common.CreatedAt.Time, time.Hour, "created_at is Moscow time, not UTC")
}

// #goods_supply_desc: a task can be deleted only before its goods arrive.
func noDeleteAfterArrival(t *testing.T, e *env) {
	tk, _ := e.received(t)
	err := e.w.DeleteIndoc(e.ctx, tk.IndocID)
	require.NotErrorIs(t, err, fulfillment.ErrNotFound)
	refusal(t, err)
	_, err = e.w.GetSupplyTask(e.ctx, tk.IndocID)
	require.NoError(t, err, "the task stays")
}

// #doc_lock_desc, outdoc_lock_req: lock marks a document imported, unlock
// gives it back; both show in the list's locked filter.
func lockAndUnlock(t *testing.T, e *env) {
	tk, id := e.received(t)
	require.NoError(t, e.w.LockOutdocs(e.ctx, true, id))
	require.Equal(t, []int64{id}, ids(e.of(t, tk.IndocID, fulfillment.OutdocFilter{Locked: ptr(true)})))
	require.Empty(t, e.of(t, tk.IndocID, fulfillment.OutdocFilter{Locked: ptr(false)}))
	require.NoError(t, e.w.LockOutdocs(e.ctx, true, id), "locking again is harmless")

	require.NoError(t, e.w.LockOutdocs(e.ctx, false, id))
	require.Equal(t, []int64{id}, ids(e.of(t, tk.IndocID, fulfillment.OutdocFilter{Locked: ptr(false), UnlockRequest: ptr(false)})))
}

// outdoc_list_req and #outdoc_share_desc: from_date is inclusive, to_date
// exclusive; #paging_desc: page_next_token pages through to the end.
func listWindowAndPages(t *testing.T, e *env) {
	tk := e.created(t)
	var want []int64
	for part := range int32(3) {
		id, err := e.d.ReceivePart(tk.IndocID, part+1, Line{GoodID: goodA, Useful: 1})
		require.NoError(t, err)
		want = append(want, id)
	}
	paged := e.of(t, tk.IndocID, fulfillment.OutdocFilter{PageSize: 1})
	require.ElementsMatch(t, want, ids(paged), "every page followed")

	first, err := e.w.GetSupply(e.ctx, want[0])
	require.NoError(t, err)
	at := first.Common.CreatedAt
	require.Contains(t, ids(e.of(t, tk.IndocID, fulfillment.OutdocFilter{FromDate: &at})), want[0], "from_date includes")
	require.NotContains(t, ids(e.of(t, tk.IndocID, fulfillment.OutdocFilter{ToDate: &at})), want[0], "to_date excludes")
	require.Len(t, e.of(t, tk.IndocID, fulfillment.OutdocFilter{OutdocType: fulfillment.OutdocSupply}), 3)
	require.Empty(t, e.of(t, tk.IndocID, fulfillment.OutdocFilter{OutdocType: fulfillment.OutdocShipment}))
}

// #goods_inpart_desc: every part but the last carries attribute 9 and
// part_num; the last has neither.
func partialReceipt(t *testing.T, e *env) {
	tk := e.created(t)
	p1, err := e.d.ReceivePart(tk.IndocID, 1, Line{GoodID: goodA, Useful: 6})
	require.NoError(t, err)
	last, err := e.d.Receive(tk.IndocID, Line{GoodID: goodA, Useful: 4}, Line{GoodID: goodB, Useful: 5})
	require.NoError(t, err)

	s, err := e.w.GetSupply(e.ctx, p1)
	require.NoError(t, err)
	require.NotNil(t, s.PartNum)
	require.EqualValues(t, 1, *s.PartNum)
	v, ok := s.Common.Attribute(fulfillment.AttrPartNum)
	require.True(t, ok, "attribute 9 on a part")
	require.EqualValues(t, 1, v)

	s, err = e.w.GetSupply(e.ctx, last)
	require.NoError(t, err)
	require.Nil(t, s.PartNum, "the last part has no part_num")
	_, ok = s.Common.Attribute(fulfillment.AttrPartNum)
	require.False(t, ok)
	hs := e.of(t, tk.IndocID, fulfillment.OutdocFilter{})
	require.ElementsMatch(t, []int64{p1, last}, ids(hs))
}

// #goods_timeout_desc: goods that never came close the task with
// attribute 306 and zero quantities.
func nothingArrived(t *testing.T, e *env) {
	tk := e.created(t)
	id, err := e.d.ReceiveNothing(tk.IndocID)
	require.NoError(t, err)
	s, err := e.w.GetSupply(e.ctx, id)
	require.NoError(t, err)
	v, ok := s.Common.Attribute(fulfillment.AttrWaitExpired)
	require.True(t, ok, "attribute 306")
	require.Equal(t, true, v)
	for _, g := range s.Goods {
		require.Zero(t, g.UsefulQnt+g.DefectiveQnt, g.GoodID)
	}
}

// #goods_izl_desc: with surplus_enabled off, surplus comes in a separate
// goods_supply carrying attribute 624 = the task's indoc_id.
func separateSurplus(t *testing.T, e *env) {
	tk, main := e.received(t)
	id, err := e.d.ReceiveSurplus(tk.IndocID, Line{GoodID: goodB, Useful: 2})
	require.NoError(t, err)
	require.NotEqual(t, main, id)
	s, err := e.w.GetSupply(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, fulfillment.OutdocSupply, s.OutdocType)
	v, ok := s.Common.Attribute(fulfillment.AttrSurplusOf)
	require.True(t, ok, "attribute 624")
	require.Equal(t, tk.IndocID, v)
}

// #doc_lock_desc: to correct a locked document the warehouse sets
// unlock_request; once unlocked it is deleted and replaced under a new
// outdoc_id and created_at, keeping the original outdoc_date.
func correctionByUnlockRequest(t *testing.T, e *env) {
	tk, old := e.received(t)
	require.NoError(t, e.w.LockOutdocs(e.ctx, true, old))
	before, err := e.w.GetSupply(e.ctx, old)
	require.NoError(t, err)
	require.NoError(t, e.d.Correct(old, Line{GoodID: goodA, Useful: 9}, Line{GoodID: goodB, Useful: 5}))

	asked := e.of(t, tk.IndocID, fulfillment.OutdocFilter{Locked: ptr(true), UnlockRequest: ptr(true)})
	require.Equal(t, []int64{old}, ids(asked))
	require.NoError(t, e.w.LockOutdocs(e.ctx, false, old))

	missing, err := e.w.CheckOutdocs(e.ctx, old)
	require.NoError(t, err)
	require.Equal(t, []int64{old}, missing, "the old document is deleted")
	fresh := e.of(t, tk.IndocID, fulfillment.OutdocFilter{Locked: ptr(false), UnlockRequest: ptr(false)})
	require.Len(t, fresh, 1)
	require.NotEqual(t, old, fresh[0].OutdocID)
	require.False(t, fresh[0].CreatedAt.Before(before.Common.CreatedAt.Time))
	require.True(t, before.Common.OutdocDate.Equal(fresh[0].OutdocDate.Time), "outdoc_date stays the work date")
	s, err := e.w.GetSupply(e.ctx, fresh[0].OutdocID)
	require.NoError(t, err)
	require.Contains(t, s.Goods, fulfillment.SupplyGood{GoodID: goodA, PlanQnt: 10, UsefulQnt: 9})
}

// #outdoc_share_desc and #doc_lock_desc: the warehouse may delete an
// unlocked document, never a locked one; outdocs/check reports deletions.
func deletedOutdocReported(t *testing.T, e *env) {
	_, kept := e.received(t)
	_, gone := e.received(t)
	require.NoError(t, e.w.LockOutdocs(e.ctx, true, kept))
	require.Error(t, e.d.DeleteOutdoc(kept), "a locked document cannot be deleted")
	require.NoError(t, e.d.DeleteOutdoc(gone))
	missing, err := e.w.CheckOutdocs(e.ctx, kept, gone)
	require.NoError(t, err)
	require.Equal(t, []int64{gone}, missing)
}

// #recognition_desc: unknown goods are listed under GET /goods/recognition
// with their task, and the receipt cannot be completed until they are
// identified.
func unknownGoodsBlockCompletion(t *testing.T, e *env) {
	tk := e.created(t)
	barcode := "UNKNOWN-" + tk.IndocID
	e.d.AddUnknown(tk.IndocID, barcode, "Conformance item without a label", 3)
	t.Cleanup(func() { e.d.Identify(barcode) })
	items, err := e.w.Unrecognized(e.ctx)
	require.NoError(t, err)
	var found *fulfillment.Unrecognized
	for i := range items {
		if items[i].Barcode == barcode {
			found = &items[i]
		}
	}
	require.NotNil(t, found, "listed for recognition")
	require.Equal(t, tk.IndocID, found.Indocs[0].IndocID)
	require.EqualValues(t, 3, found.Indocs[0].Qnt)

	_, err = e.d.Receive(tk.IndocID, Line{GoodID: goodA, Useful: 10})
	require.Error(t, err, "no final receipt while goods are unidentified")
	e.d.Identify(barcode)
	items, err = e.w.Unrecognized(e.ctx)
	require.NoError(t, err)
	for _, u := range items {
		require.NotEqual(t, barcode, u.Barcode)
	}
	_, err = e.d.Receive(tk.IndocID, Line{GoodID: goodA, Useful: 10})
	require.NoError(t, err)
}
