package alerts

import (
	"context"
	"fmt"
	"strings"
)

// Snapshot is what the watcher looks at, taken every check.
type Snapshot struct {
	// Calls are outbound requests by peer and status code, cumulative.
	Calls map[string]map[string]float64
	// Stuck is the number of stuck documents.
	Stuck int
	// DisabledWebhooks is what the last reconciliation found disabled.
	DisabledWebhooks int
}

// Watcher turns snapshots into alerts.
type Watcher struct {
	a *Alerter
	// FailuresBeforeAlert is how many failed calls with no success in
	// between make a peer "failing". Defaults to 5.
	FailuresBeforeAlert int
	prev                map[string]map[string]float64
	failing             map[string]int
}

// NewWatcher watches for the alerter.
func NewWatcher(a *Alerter) *Watcher {
	return &Watcher{a: a, FailuresBeforeAlert: 5, failing: map[string]int{}}
}

var peerNames = map[string]string{"moysklad": "МойСклад", "fbox": "склад (FBox)", "cdek": "СДЭК"}

// Check compares a snapshot with the previous one and raises or resolves.
func (w *Watcher) Check(ctx context.Context, s Snapshot) {
	for peer, codes := range s.Calls {
		var ok, bad float64
		for code, n := range codes {
			d := n - w.prev[peer][code]
			if code == "error" || code == "429" || strings.HasPrefix(code, "5") {
				bad += d
			} else {
				ok += d
			}
		}
		name := peerNames[peer]
		if name == "" {
			name = peer
		}
		switch {
		case ok > 0:
			w.failing[peer] = 0
			w.a.Resolve(ctx, "peer:"+peer, name+" снова отвечает")
		case bad > 0:
			w.failing[peer] += int(bad)
			if w.failing[peer] >= w.FailuresBeforeAlert {
				w.a.Raise(ctx, "peer:"+peer, fmt.Sprintf("%s не отвечает: %d неудачных запросов подряд; документы ждут в очереди и будут обработаны после восстановления", name, w.failing[peer]))
			}
		}
	}
	w.prev = s.Calls
	if s.Stuck > 0 {
		w.a.Raise(ctx, "stuck", fmt.Sprintf("зависли документы: %d (состояние не меняется дольше 2 ч), см. /admin?stuck=true", s.Stuck))
	} else {
		w.a.Resolve(ctx, "stuck", "зависших документов нет")
	}
	if s.DisabledWebhooks > 0 {
		w.a.Raise(ctx, "webhooks", fmt.Sprintf("МойСклад отключил веб-хуки: %d; skladflow включил их снова — проверьте доступность %s", s.DisabledWebhooks, "адреса skladflow"))
	} else {
		w.a.Resolve(ctx, "webhooks", "веб-хуки МойСклад работают")
	}
}
