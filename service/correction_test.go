package service_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
)

// correct makes the warehouse revise a locked document and waits until
// skladflow has reverted and unlocked it and the replacement is applied:
// the mini-log then names the withdrawn document and the new one.
func (b *bundle) correct(t *testing.T, docID string, outdoc int64, lines ...fboxtest.Line) moysklad.Document {
	t.Helper()
	require.Eventually(t, func() bool { h, _ := b.fb.Outdoc(outdoc); return h.Locked }, patience, 20*time.Millisecond)
	require.NoError(t, b.fb.Correct(outdoc, lines...))
	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Eventually(t, func() bool { _, exists := b.fb.Outdoc(outdoc); return !exists }, patience, 20*time.Millisecond,
		"skladflow reverted and unlocked it, so the warehouse replaced it")
	replacement := b.fb.LastOutdoc()
	require.NoError(t, b.svc.PollNow(b.ctx))
	var d moysklad.Document
	require.Eventually(t, func() bool {
		d, _ = b.ms.Document(moysklad.TypeSupply, docID)
		h, _ := b.fb.Outdoc(replacement)
		return h.Locked && strings.Contains(d.Description, "(док. склада "+itoa(replacement)+")")
	}, patience, 20*time.Millisecond)
	return d
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A separate surplus document counted into the final receipt, corrected by
// the warehouse after the final: only the surplus comes out, the receipt
// stands, and the corrected surplus goes in.
func TestCorrectionOfSurplusCountedIntoTheFinalReceipt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10}, line{b.p.mug, 5})

	surplus, err := b.fb.ReceiveSurplus(indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 2})
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Принимается")
	b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 10}, fboxtest.Line{GoodID: "MG-350", Useful: 4})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Equal(t, map[string]float64{"KT-1700": 12, "MG-350": 4}, quantities(d))

	d = b.correct(t, doc.ID, surplus, fboxtest.Line{GoodID: "KT-1700", Useful: 1})
	require.Equal(t, "Проведён", d.StateName())
	require.True(t, d.Applicable)
	require.Equal(t, map[string]float64{"KT-1700": 11, "MG-350": 4}, quantities(d),
		"the surplus withdrawn exactly, its replacement added, the final receipt's mugs untouched")
	require.Contains(t, d.Description, "Склад БетаПРО исправляет документ "+itoa(surplus))
	h, ok := b.fb.Outdoc(b.fb.LastOutdoc())
	require.True(t, ok)
	require.Nil(t, h.PartNum, "a surplus document is replaced by a surplus document")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "received")
}

// A part of a partial receipt corrected after the final part: the other
// parts and the final stand, the part's units are replaced.
func TestCorrectionOfAPartAfterTheFinalReceipt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10}, line{b.p.mug, 24})

	part, err := b.fb.ReceivePart(indoc, 1, fboxtest.Line{GoodID: "KT-1700", Useful: 6})
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Принимается")
	b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 3}, fboxtest.Line{GoodID: "MG-350", Useful: 4})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Equal(t, map[string]float64{"KT-1700": 9, "MG-350": 4}, quantities(d))

	d = b.correct(t, doc.ID, part, fboxtest.Line{GoodID: "KT-1700", Useful: 5})
	require.Equal(t, "Проведён", d.StateName())
	require.True(t, d.Applicable)
	require.Equal(t, map[string]float64{"KT-1700": 8, "MG-350": 4}, quantities(d), "part 1 replaced: 5 + 3 kettles, the mugs of the final untouched")
	h, ok := b.fb.Outdoc(b.fb.LastOutdoc())
	require.True(t, ok)
	require.NotNil(t, h.PartNum, "a part is replaced by a part")
	require.EqualValues(t, 1, *h.PartNum)
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "received")
}

// The warehouse corrects a receipt skladflow applied but could not lock
// yet (the lock call failing): the document is deleted and replaced at
// once, as an unlocked one may be. skladflow finds the deletion before it
// reads the replacement, reverts the receipt and applies the replacement
// once.
func TestCorrectionOfAReceiptAppliedButNotLocked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10})
	b.fb.FailNext(fboxtest.Fault{Method: "POST", PathPrefix: "/outdocs/lock", HTTPStatus: 503, Code: 503, Message: "недоступен", Count: 1000})
	outdoc, err := b.fb.Receive(indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 10})
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Equal(t, map[string]float64{"KT-1700": 10}, quantities(d))
	h, _ := b.fb.Outdoc(outdoc)
	require.False(t, h.Locked)

	require.NoError(t, b.fb.Correct(outdoc, fboxtest.Line{GoodID: "KT-1700", Useful: 8}))
	replacement := b.fb.LastOutdoc()
	b.fb.ClearFaults()
	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Eventually(t, func() bool {
		d, _ = b.ms.Document(moysklad.TypeSupply, doc.ID)
		h, _ := b.fb.Outdoc(replacement)
		return h.Locked && d.StateName() == "Проведён" && strings.Contains(d.Description, "(док. склада "+itoa(replacement)+")")
	}, 15*time.Second, 20*time.Millisecond)
	require.Equal(t, map[string]float64{"KT-1700": 8}, quantities(d), "the deleted receipt undone, its replacement applied once")
	require.Contains(t, d.Description, "Склад БетаПРО исправляет документ "+itoa(outdoc))
}
