package crashtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
)

// storm is MoySklad delivering notifications the way moysklad.md §2.3
// says it does: an answer other than 200/204 is resent at once, three more
// times, under the same requestId; a refused connection is no answer.
type storm struct {
	url   string
	mu    sync.Mutex
	acked map[string]bool // event keys of acknowledged deliveries
	sent  int
	lost  int // deliveries refused four times: MoySklad drops them
}

// deliver posts one notification of a status change of docs under one
// audit context (moysklad.md §2.2) and records its events when it is
// acknowledged.
func (s *storm) deliver(requestID, audit string, docs []string) {
	var sb strings.Builder
	fmt.Fprintf(&sb, `{"auditContext":{"meta":{"type":"audit","href":"https://api.moysklad.ru/api/remap/1.2/audit/%s"},"uid":"staff@acme","moment":"2026-11-29 10:00:00"},"events":[`, audit)
	for i, id := range docs {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"meta":{"type":"supply","href":"https://api.moysklad.ru/api/remap/1.2/entity/supply/%s"},"updatedFields":["state"],"action":"UPDATE","accountId":"021a4ccc-ee91-11ea-0a80-09f000002b18"}`, id)
	}
	sb.WriteString("]}")
	ok := false
	for try := 0; try < 4 && !ok; try++ {
		resp, err := http.Post(s.url+"?requestId="+requestID, "application/json", strings.NewReader(sb.String()))
		if err == nil {
			resp.Body.Close()
			ok = resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNoContent
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent++
	if !ok {
		s.lost++
		return
	}
	for _, id := range docs {
		s.acked["audit:"+audit+"/supply/"+id+"/UPDATE"] = true
	}
}

// A storm of notifications (one bulk status change fanned out after its
// answer, and many single deliveries, each also resent under a new request
// id) while skladflow is killed: every acknowledged event is processed
// after the restart, and every document is handed over once.
func TestStormAcknowledgedSurvivesKill(t *testing.T) {
	t.Parallel()
	h := setup(t, func(h *harness) {
		// Only the storm brings documents in, not the start's reconciliation
		// repeated every second.
		h.sf.Config.MoySklad.ReconcileInterval = config.Duration{Duration: time.Hour}
	})
	h.start() // creates the statuses
	store, kettle := h.sf.Store, h.sf.Products[0]
	// Supplies already in «Передать», created without a notification: the
	// storm below is what MoySklad would have sent.
	newDocs := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			d, err := h.ms.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Store: store.ID, State: "Передать",
				Description: "Поставка", Positions: []moyskladtest.PositionSpec{{ProductID: kettle.ID, Quantity: 1}}})
			require.NoError(t, err)
			out[i] = d.ID
		}
		return out
	}
	// MoySklad's rate limit bounds how many documents a run hands over (issue
	// 14): a storm of a few dozen shows the ingest as well as thousands.
	bulk, singles := newDocs(40), newDocs(30)
	s := &storm{url: h.url + "/hooks/moysklad/" + webhookSecret, acked: map[string]bool{}}
	audit := func(i int) string { return fmt.Sprintf("00000000-0000-0000-0000-%012d", i) }

	s.deliver("bulk", audit(0), bulk)
	var wg sync.WaitGroup
	for i, id := range singles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(rand.IntN(3000)) * time.Millisecond) // across the kill and the restart
			s.deliver(fmt.Sprintf("single-%d", i), audit(i+1), []string{id})
			s.deliver(fmt.Sprintf("again-%d", i), audit(i+1), []string{id}) // the same change, another request id
		}()
	}
	time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
	h.stop(syscall.SIGKILL)
	time.Sleep(100 * time.Millisecond) // deliveries meanwhile find no one
	h.start()
	wg.Wait()
	s.mu.Lock()
	t.Logf("storm: %d deliveries, %d events acknowledged, %d deliveries refused four times", s.sent, len(s.acked), s.lost)
	s.mu.Unlock()

	all := append(append([]string(nil), bulk...), singles...)
	// The restart's reconciliation finds the documents whose notification
	// was never acknowledged; the acknowledged ones come from the inbox.
	left := func() map[string]int {
		out := map[string]int{}
		for _, id := range all {
			if got, err := h.ms.Document(moysklad.TypeSupply, id); err != nil || got.StateName() != "Передан" {
				out[got.StateName()]++
			}
		}
		return out
	}
	deadline := time.Now().Add(180 * time.Second)
	for len(left()) > 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	require.Empty(t, left(), "every supply handed over; left by status\n%s", h.logTail(30))
	h.stop(syscall.SIGTERM)

	require.Len(t, h.fb.SupplyTasks(), len(all), "one warehouse task per document")
	for _, id := range all {
		got, err := h.ms.Document(moysklad.TypeSupply, id)
		require.NoError(t, err)
		require.Equal(t, 1, count(minilog.Parse(got.Description).Lines, "Передан на склад"), got.Description)
	}

	db, err := sql.Open(storage.SQLDriver(h.db)) // the database the binary ran on
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), `SELECT event_key, processed_at IS NOT NULL FROM inbox WHERE source = 'moysklad'`)
	require.NoError(t, err)
	defer rows.Close()
	processed := map[string]bool{}
	for rows.Next() {
		var key string
		var done bool
		require.NoError(t, rows.Scan(&key, &done))
		processed[key] = done
	}
	require.NoError(t, rows.Err())
	for key := range s.acked {
		done, stored := processed[key]
		require.True(t, stored, "acknowledged event %s lost", key)
		require.True(t, done, "acknowledged event %s not processed", key)
	}
}
