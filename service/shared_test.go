package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
)

// Shared reading (#outdoc_share_desc): another system of the shop reads
// the same outdocs, so skladflow never locks them, reads by creation time,
// notes what it did in attribute 657, and learns of a correction from the
// document's deletion — then reverts it and applies the replacement.
func TestSharedReading(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{edit: func(c *config.Config) {
		c.Warehouses[0].FBox.SharedReading = true
		c.Warehouses[0].FBox.SharedLag = config.Duration{Duration: time.Millisecond}
		c.MoySklad.ReconcileInterval = config.Duration{Duration: 300 * time.Millisecond}
	}})
	doc, indoc := b.submitted(t, line{b.p.kettle, 10}, line{b.p.mug, 5})

	outdoc := b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 10}, fboxtest.Line{GoodID: "MG-350", Useful: 4})
	// The window closes a moment after the document's creation second.
	var d moysklad.Document
	require.Eventually(t, func() bool {
		_ = b.svc.PollNow(b.ctx)
		d, _ = b.ms.Document(moysklad.TypeSupply, doc.ID)
		return d.StateName() == "Проведён"
	}, patience, 100*time.Millisecond)
	require.Equal(t, map[string]float64{"KT-1700": 10, "MG-350": 4}, quantities(d))
	require.Eventually(t, func() bool {
		v, ok := b.fb.OutdocAttribute(outdoc, fulfillment.AttrCoordination)
		s, _ := v.(string)
		return ok && strings.HasPrefix(s, "skladflow: записан в МойСклад")
	}, patience, 20*time.Millisecond, "the other systems are told in attribute 657")
	h, _ := b.fb.Outdoc(outdoc)
	require.False(t, h.Locked, "never locked in shared reading")
	require.Zero(t, b.fb.LockCalls())

	// The warehouse corrects the unlocked receipt: it deletes it and issues
	// a replacement. Reconciliation finds the deletion and reverts; the
	// next reads apply the replacement.
	require.NoError(t, b.fb.Correct(outdoc, fboxtest.Line{GoodID: "KT-1700", Useful: 10}, fboxtest.Line{GoodID: "MG-350", Useful: 5}))
	replacement := b.fb.LastOutdoc()
	require.Eventually(t, func() bool {
		_ = b.svc.PollNow(b.ctx)
		d, _ = b.ms.Document(moysklad.TypeSupply, doc.ID)
		return d.StateName() == "Проведён" && strings.Contains(d.Description, "(док. склада "+itoa(replacement)+")")
	}, patience, 100*time.Millisecond) // the revert, then the replacement: slow under -race on 2 busy cores
	require.Equal(t, map[string]float64{"KT-1700": 10, "MG-350": 5}, quantities(d))
	require.Contains(t, d.Description, "Склад БетаПРО исправляет документ "+itoa(outdoc))
	require.Zero(t, b.fb.LockCalls())
}
