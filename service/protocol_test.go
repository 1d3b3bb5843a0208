package service_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// A part marked only by attribute 9 (#goods_inpart_desc) is a part: the
// document waits for the last one.
func TestPartMarkedByAttributeOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10}, line{b.p.mug, 24})

	_, err := b.fb.ReceivePartByAttribute(indoc, 1, fboxtest.Line{GoodID: "KT-1700", Useful: 6})
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Принимается")
	require.Contains(t, lastLine(t, d), "Принимается на складе БетаПРО: часть 1")
	require.Equal(t, map[string]float64{"KT-1700": 10, "MG-350": 24}, quantities(d), "a part does not change positions")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "receiving")

	b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 4}, fboxtest.Line{GoodID: "MG-350", Useful: 24})
	d = b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Equal(t, map[string]float64{"KT-1700": 10, "MG-350": 24}, quantities(d), "the final receipt sums the parts")
	require.Contains(t, lastLine(t, d), "принято 34 из 34 шт.")
}

// A task closed because its wait period expired (attribute 306,
// #goods_timeout_desc) says so, with the warehouse's document number.
func TestWaitPeriodExpired(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10}, line{b.p.mug, 24})
	outdoc, err := b.fb.ReceiveNothing(indoc)
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Не поступил")
	require.Contains(t, lastLine(t, d), "Склад БетаПРО закрыл задание "+indoc+": истёк срок ожидания поставки, товар не поступил")
	require.Contains(t, lastLine(t, d), "(док. склада "+itoa(outdoc)+")")
	require.Equal(t, map[string]float64{"KT-1700": 10, "MG-350": 24}, quantities(d))
}

// A document created already in the command status (an import, a copy)
// fires CREATE and no UPDATE: setup subscribes CREATE for every watched
// type, so it is handled at once, not at the next reconciliation.
func TestCreatedInCommandStatus(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{edit: func(c *config.Config) {
		c.MoySklad.ReconcileInterval = config.Duration{Duration: time.Hour} // the safety net stays out of this
	}})
	hooks, err := b.svc.MoySklad.Webhooks(b.ctx)
	require.NoError(t, err)
	for _, typ := range []string{moysklad.TypeSupply, moysklad.TypeMove} {
		require.True(t, slices.ContainsFunc(hooks, func(h moysklad.Webhook) bool {
			return h.EntityType == typ && h.Action == moysklad.ActionCreate
		}), "CREATE subscription for %s", typ)
	}
	doc, err := b.ms.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: "00043", Store: b.store.ID,
		State: "Передать", Positions: []moyskladtest.PositionSpec{{ProductID: b.p.kettle.ID, Quantity: 2, Price: 10000}}})
	require.NoError(t, err)
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	require.Contains(t, lastLine(t, d), "Передан на склад БетаПРО")
}

// Own writes carry X-Lognex-WebHook-DisableByPrefix with a full domain name
// (moysklad.md §2.4), which the emulator, like MoySklad, insists on.
func TestOwnWritesCarryADomainPrefix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, _ := b.submitted(t, line{b.p.kettle, 10}, line{b.p.mug, 24})
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "submitted")
	writes := 0
	for _, r := range b.ms.Requests() {
		if r.Method == "PUT" && r.Auth {
			writes++
			require.Equal(t, []string{b.cfg.PublicURL}, r.DisableByPrefix)
			require.Less(t, r.Status, 400, "MoySklad accepted the prefix")
		}
	}
	require.Positive(t, writes)
	require.Contains(t, b.cfg.PublicURL, "://skladflow.localhost:")
}
