package service_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

func TestReconciliationFindsLostNotifications(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{edit: func(c *config.Config) {
		c.MoySklad.ReconcileInterval = config.Duration{Duration: 300 * time.Millisecond}
	}})
	// MoySklad disabled the webhook (days of failures) and so never tells
	// skladflow about this status change.
	b.ms.DisableWebhooks()
	doc := b.supply(t, "", line{b.p.kettle, 2})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	require.Len(t, b.fb.SupplyTasks(), 1)

	require.Eventually(t, func() bool {
		hooks, err := b.svc.MoySklad.Webhooks(b.ctx)
		if err != nil {
			return false
		}
		for _, h := range hooks {
			if h.Enabled == nil || !*h.Enabled {
				return false
			}
		}
		return len(hooks) == 2*len(flows.DocumentTypes(b.cfg))+2 // UPDATE and CREATE of every type a flow watches, UPDATE of product and variant
	}, patience, 20*time.Millisecond, "reconciliation turns disabled webhooks back on")
}

func TestOneWriterPerDocument(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{edit: func(c *config.Config) { c.Queue.Workers = 8 }})
	b.ms.DisableWebhooks() // the test delivers the notifications itself
	doc := b.supply(t, "", line{b.p.kettle, 2})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	// 16 distinct notifications about the document arrive at once; 8
	// workers take their jobs concurrently.
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"auditContext":{"meta":{"type":"audit","href":"%s/audit/00000000-0000-0000-0000-%012d"},"uid":"staff@test","moment":"2026-11-24 12:00:00"},
"events":[{"meta":{"type":"supply","href":"%s/entity/supply/%s"},"updatedFields":["state"],"action":"UPDATE","accountId":"a"}]}`,
				b.ms.URL(), i, b.ms.URL(), doc.ID)
			// Like MoySklad: up to three immediate resends while the answer is not 2xx
			// (under the race detector the store may exceed its 1 s budget).
			status := 0
			for attempt := 0; attempt < 4 && status != http.StatusNoContent; attempt++ {
				resp, err := http.Post(fmt.Sprintf("%s?requestId=r-%d", b.svc.HookURL(), i), "application/json", strings.NewReader(body))
				require.NoError(t, err)
				resp.Body.Close()
				status = resp.StatusCode
			}
			require.Equal(t, http.StatusNoContent, status)
		}()
	}
	wg.Wait()
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	indoc := b.row(t, moysklad.TypeSupply, doc.ID).IndocID
	require.Eventually(t, func() bool {
		left, err := b.svc.Store.Unprocessed(b.ctx, 100)
		return err == nil && len(left) == 0
	}, patience, 20*time.Millisecond, "every event is processed")
	require.Equal(t, 1, b.ms.UpdateCount(moysklad.TypeSupply, doc.ID))
	require.Equal(t, 1, b.fb.CreateCalls(indoc))
	require.Len(t, logLines(d), 1, "the effect of one serial run")
}

func TestReconciliationNoticesDeletedWarehouseDocuments(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{edit: func(c *config.Config) {
		c.MoySklad.ReconcileInterval = config.Duration{Duration: 300 * time.Millisecond}
	}})
	doc := b.supply(t, "", line{b.p.kettle, 2})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	outdoc := b.receive(t, b.row(t, moysklad.TypeSupply, doc.ID).IndocID, fboxtest.Line{GoodID: "NOPE-1", Useful: 1})
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Ошибка приёмки")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "receive_failed")
	require.NoError(t, b.fb.DeleteOutdoc(outdoc))
	require.Eventually(t, func() bool {
		od, err := b.svc.Store.Outdoc(b.ctx, "БетаПРО", outdoc)
		if err != nil || od.Status != storage.OutdocDeleted {
			return false
		}
		tl, err := b.svc.Store.Timeline(b.ctx, moysklad.TypeSupply, doc.ID)
		require.NoError(t, err)
		for _, e := range tl {
			if strings.Contains(e.Message, fmt.Sprintf("удалил документ %d до его приёмки", outdoc)) {
				return true
			}
		}
		return false
	}, patience, 20*time.Millisecond, "the deletion is noticed and put in the timeline")
}
