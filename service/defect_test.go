package service_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/skladflowtest"
)

// setupDefect is a warehouse whose defective units are booked at a defect
// store (b.other).
func setupDefect(t *testing.T) *bundle {
	t.Helper()
	return setup(t, setupOpts{edit: func(c *config.Config) { c.Warehouses[0].DefectStore = skladflowtest.OtherStore }})
}

// defectMoveOf is the move of defective units recorded on a receipt's row,
// "" when none.
func (b *bundle) defectMoveOf(t *testing.T, outdoc int64) string {
	t.Helper()
	od, err := b.svc.Store.Outdoc(b.ctx, skladflowtest.Warehouse, outdoc)
	require.NoError(t, err)
	var c struct {
		DefectMove *struct {
			ID string `json:"id"`
		} `json:"defect_move"`
	}
	if len(od.Change) > 0 {
		require.NoError(t, json.Unmarshal(od.Change, &c))
	}
	if c.DefectMove == nil {
		return ""
	}
	return c.DefectMove.ID
}

// stocks are a product's units at the warehouse store and at the other
// (defect) store.
func (b *bundle) stocks(p moysklad.Product) [2]float64 {
	return [2]float64{b.stock(b.store, p), b.stock(b.other, p)}
}

// A receipt with defective units books them all into the supply (accept)
// and moves the defective ones to the defect store in one posted move; a
// correction deletes that move and the replacement moves its own, once.
func TestReceiptMovesDefectiveUnitsToTheDefectStore(t *testing.T) {
	t.Parallel()
	b := setupDefect(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10}, line{b.p.mug, 5})
	kettle, mug := b.stocks(b.p.kettle), b.stocks(b.p.mug)

	outdoc := b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 7, Defective: 3}, fboxtest.Line{GoodID: "MG-350", Useful: 5})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.True(t, d.Applicable)
	require.Equal(t, map[string]float64{"KT-1700": 10, "MG-350": 5}, quantities(d), "defective units accepted into the supply")
	require.Contains(t, lastLine(t, d), "брак 3 шт. перемещён на склад "+skladflowtest.OtherStore)
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "received")

	var moveID string
	require.Eventually(t, func() bool { moveID = b.defectMoveOf(t, outdoc); return moveID != "" }, patience, 20*time.Millisecond)
	mv, err := b.ms.Document(moysklad.TypeMove, moveID)
	require.NoError(t, err)
	require.True(t, mv.Applicable)
	require.Equal(t, b.store.ID, mv.SourceStore.ID())
	require.Equal(t, b.other.ID, mv.TargetStore.ID())
	require.Len(t, mv.Rows(), 1)
	require.Equal(t, b.p.kettle.ID, mv.Rows()[0].Assortment.ID)
	require.InDelta(t, 3, mv.Rows()[0].Quantity, 0)
	require.Contains(t, mv.Description, "док. склада "+itoa(outdoc))
	require.Contains(t, mv.Description, "брак перемещён на склад брака")
	require.Contains(t, mv.Description, skladflowtest.Warehouse)

	require.Equal(t, [2]float64{kettle[0] + 7, kettle[1] + 3}, b.stocks(b.p.kettle), "useful at the warehouse store, defective at the defect store")
	require.Equal(t, [2]float64{mug[0] + 5, mug[1]}, b.stocks(b.p.mug))

	d = b.correct(t, doc.ID, outdoc, fboxtest.Line{GoodID: "KT-1700", Useful: 9, Defective: 1}, fboxtest.Line{GoodID: "MG-350", Useful: 5})
	require.Equal(t, map[string]float64{"KT-1700": 10, "MG-350": 5}, quantities(d))
	_, err = b.ms.Document(moysklad.TypeMove, moveID)
	require.Error(t, err, "the corrected receipt's move is deleted")
	replacement := b.fb.LastOutdoc()
	var again string
	require.Eventually(t, func() bool { again = b.defectMoveOf(t, replacement); return again != "" }, patience, 20*time.Millisecond)
	require.NotEqual(t, moveID, again)
	require.Equal(t, [2]float64{kettle[0] + 9, kettle[1] + 1}, b.stocks(b.p.kettle), "the replacement's defective unit moved once")
	require.Equal(t, [2]float64{mug[0] + 5, mug[1]}, b.stocks(b.p.mug))
}

// Parts counted into the final receipt: the final's move takes the
// defective units of every part; a surplus after the final moves its own.
func TestFinalAndLateReceiptsMoveTheirDefectiveUnits(t *testing.T) {
	t.Parallel()
	b := setupDefect(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10})
	kettle := b.stocks(b.p.kettle)

	_, err := b.fb.ReceivePart(indoc, 1, fboxtest.Line{GoodID: "KT-1700", Useful: 4, Defective: 1})
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Принимается")
	final := b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 3, Defective: 2})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Equal(t, map[string]float64{"KT-1700": 10}, quantities(d))
	require.Contains(t, lastLine(t, d), "брак 3 шт. перемещён")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "received")
	require.Eventually(t, func() bool { return b.defectMoveOf(t, final) != "" }, patience, 20*time.Millisecond)
	require.Equal(t, [2]float64{kettle[0] + 7, kettle[1] + 3}, b.stocks(b.p.kettle))

	surplus, err := b.fb.ReceiveSurplus(indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 1, Defective: 1})
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Eventually(t, func() bool {
		d, _ = b.ms.Document(moysklad.TypeSupply, doc.ID)
		return strings.Contains(d.Description, "(док. склада "+itoa(surplus)+")")
	}, patience, 20*time.Millisecond)
	require.Equal(t, map[string]float64{"KT-1700": 12}, quantities(d))
	require.Contains(t, lastLine(t, d), "брак 1 шт. перемещён")
	require.Eventually(t, func() bool { return b.defectMoveOf(t, surplus) != "" }, patience, 20*time.Millisecond)
	require.Equal(t, [2]float64{kettle[0] + 8, kettle[1] + 4}, b.stocks(b.p.kettle))
}

// MoySklad refuses the move once, after the supply is written: the retry
// finds the receipt written and still makes the move, once.
func TestDefectMoveMadeWhenRetried(t *testing.T) {
	t.Parallel()
	b := setupDefect(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10})
	kettle := b.stocks(b.p.kettle)
	b.ms.FailNext(moyskladtest.Fault{Method: "POST", PathContains: "/entity/move", Status: 412, Code: 1000, Message: "Ошибка"})

	outdoc := b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 8, Defective: 2})
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Eventually(t, func() bool {
		_ = b.svc.PollNow(b.ctx)
		return b.defectMoveOf(t, outdoc) != ""
	}, 15*time.Second, 50*time.Millisecond)
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "received")
	require.Equal(t, [2]float64{kettle[0] + 8, kettle[1] + 2}, b.stocks(b.p.kettle))
	var posts []int
	for _, r := range b.ms.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/entity/move") {
			posts = append(posts, r.Status)
		}
	}
	require.Equal(t, []int{412, 200}, posts, "refused once, made by the retry")
}

// Without a defect store defective units stay at the warehouse store: no
// move.
func TestNoDefectStoreNoMove(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10})
	kettle := b.stocks(b.p.kettle)

	outdoc := b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 8, Defective: 2})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.NotContains(t, d.Description, "перемещён на склад")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "received")
	require.Empty(t, b.defectMoveOf(t, outdoc))
	require.Equal(t, [2]float64{kettle[0] + 10, kettle[1]}, b.stocks(b.p.kettle))
}

// A part counted into the final receipt, corrected after it: the part's
// defective units come out of the final's move, the replacement (applied
// as late) moves its own.
func TestCorrectedPartLeavesTheFinalsMove(t *testing.T) {
	t.Parallel()
	b := setupDefect(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10})
	kettle := b.stocks(b.p.kettle)

	part, err := b.fb.ReceivePart(indoc, 1, fboxtest.Line{GoodID: "KT-1700", Useful: 3, Defective: 2})
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Принимается")
	final := b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 4, Defective: 1})
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	var moveID string
	require.Eventually(t, func() bool { moveID = b.defectMoveOf(t, final); return moveID != "" }, patience, 20*time.Millisecond)
	require.Equal(t, [2]float64{kettle[0] + 7, kettle[1] + 3}, b.stocks(b.p.kettle))

	d := b.correct(t, doc.ID, part, fboxtest.Line{GoodID: "KT-1700", Useful: 4, Defective: 1})
	require.Equal(t, map[string]float64{"KT-1700": 10}, quantities(d))
	mv, err := b.ms.Document(moysklad.TypeMove, moveID)
	require.NoError(t, err)
	require.InDelta(t, 1, mv.Rows()[0].Quantity, 0, "the final's move keeps the final's own defective unit")
	require.Eventually(t, func() bool { return b.defectMoveOf(t, b.fb.LastOutdoc()) != "" }, patience, 20*time.Millisecond)
	require.Equal(t, [2]float64{kettle[0] + 8, kettle[1] + 2}, b.stocks(b.p.kettle))
}

// Defective units of a serial-tracked phone go to the defect store with
// the serials the warehouse reported defective; a defective unit reported
// without a serial is not booked at all, and the line says so.
func TestDefectiveSerialUnitsMoveWithTheirSerials(t *testing.T) {
	t.Parallel()
	b := setupDefect(t)
	doc, indoc := b.serialSupply(t, "SN-1", "SN-2", "SN-3", "SN-4")
	serials := append(sn("SN-1", "SN-2"), fulfillment.SerialMove{GoodID: "PH-1", GoodSN: "SN-3", QualType: fulfillment.QualDefective})
	b.receiveWithSerials(t, indoc, serials, fboxtest.Line{GoodID: "PH-1", Useful: 2, Defective: 2}, fboxtest.Line{GoodID: "MG-350", Useful: 2})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	last := lastLine(t, d)
	require.Contains(t, last, "брак 1 шт. перемещён на склад "+skladflowtest.OtherStore)
	require.Contains(t, last, "1 шт. без серийного номера не оприходовано")
	require.NotContains(t, last, "оставлен на основном складе")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "received")

	outdoc := b.fb.LastOutdoc()
	var moveID string
	require.Eventually(t, func() bool { moveID = b.defectMoveOf(t, outdoc); return moveID != "" }, patience, 20*time.Millisecond)
	mv, err := b.ms.Document(moysklad.TypeMove, moveID)
	require.NoError(t, err)
	require.True(t, mv.Applicable)
	require.Len(t, mv.Rows(), 1)
	require.Equal(t, []string{"SN-3"}, mv.Rows()[0].Things())
	require.Equal(t, [2]float64{2, 1}, b.stocks(b.phone), "SN-1 and SN-2 at the warehouse store, SN-3 at the defect store")
}

// The warehouse reports no serials at all: the receipt keeps the
// document's serials, and which of them are defective is not known, so the
// defective unit stays at the warehouse store and the line says so.
func TestDefectiveSerialUnitsWithoutSerialsStay(t *testing.T) {
	t.Parallel()
	b := setupDefect(t)
	doc, indoc := b.serialSupply(t, "SN-1", "SN-2")
	b.receiveWithSerials(t, indoc, nil, fboxtest.Line{GoodID: "PH-1", Useful: 1, Defective: 1}, fboxtest.Line{GoodID: "MG-350", Useful: 2})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Contains(t, lastLine(t, d), "брак 1 шт. оставлен на основном складе: склад не сообщил серийные номера")
	require.NotContains(t, lastLine(t, d), "перемещён на склад")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "received")
	require.Empty(t, b.defectMoveOf(t, b.fb.LastOutdoc()))
	require.Equal(t, [2]float64{2, 0}, b.stocks(b.phone))
}
