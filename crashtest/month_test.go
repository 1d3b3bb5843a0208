package crashtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
)

// A month at the warehouse (issue 12 §4): supplies received short, with
// substitutes, surplus and defects; customer orders shipped (some short);
// shipments out; returns of all three kinds, orders coming back in several
// parts; corrections of every type; moves to and from long storage; a few
// replaced warehouse documents — in random order while skladflow is killed
// and restarted (notifications sent while it is down are lost). At the end
// the parity report finds nothing unexplained and every document skladflow
// created exists once.

// monthEnv reads an int knob of the long run.
func monthEnv(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err)
	return n
}

// world is what the staff and the warehouse did, as the test remembers it.
type world struct {
	mu        sync.Mutex
	rng       *rand.Rand
	supplies  []*monthSupply
	orders    []*monthOrder
	shipments []*monthShipment
	boxes     []int32 // in long storage
	nextBox   int32
	outdocs   []int64 // stock-changing documents the warehouse issued
	acts      map[string]int
}

type monthSupply struct {
	id       string
	plan     map[string]int32
	sent     bool
	received bool
}

type monthOrder struct {
	id, number string
	units      map[string]int32 // ordered units per good
	sent       bool
	shipped    bool
	returned   map[string]int32
}

type monthShipment struct {
	id      string
	units   map[string]int32
	sent    bool
	shipped bool
}

var goods = []string{"KT-1", "MG-1", "TH-1"}

func TestMonthAtTheWarehouse(t *testing.T) {
	t.Parallel()
	days := monthEnv(t, "SKLADFLOW_MONTH_DAYS", 4)
	kills := monthEnv(t, "SKLADFLOW_MONTH_KILLS", 2)
	seed := uint64(monthEnv(t, "SKLADFLOW_MONTH_SEED", int(time.Now().UnixNano()%1_000_000)))
	t.Logf("month run: seed %d, %d days, %d kills", seed, days, kills)
	var defect, long moysklad.Store
	h := setup(t, func(h *harness) {
		defect = h.ms.AddStore("Брак БетаПРО")
		long = h.ms.AddStore("Длительное хранение БетаПРО")
		h.ms.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Возвраты без заказа"})
		c := h.sf.Config
		c.Warehouses[0].DefectStore = defect.Name
		c.Warehouses[0].LongStorageStore = long.Name
		c.Returns.Counterparty = "Возвраты без заказа"
		if seed%2 == 1 {
			c.Stock.Quarantine = config.QuarantineKeep
		}
	})
	w := &world{rng: rand.New(rand.NewPCG(seed, 7)), nextBox: 100, acts: map[string]int{}}
	store := h.sf.Store
	ids := map[string]string{} // article → product id
	for _, p := range h.sf.Products {
		ids[p.Article] = p.ID
	}
	buyer := h.ms.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Петров Пётр", Phone: "+79990000001"})

	newSupply := func() {
		plan := map[string]int32{}
		var pos []moyskladtest.PositionSpec
		skip := goods[w.rng.IntN(len(goods))] // one good is not ordered: it may come as a substitute
		for _, g := range goods {
			if g == skip && len(w.supplies) > 1 {
				continue
			}
			n := int32(5 + w.rng.IntN(20))
			plan[g] = n
			pos = append(pos, moyskladtest.PositionSpec{ProductID: ids[g], Quantity: float64(n)})
		}
		d, err := h.ms.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Store: store.ID, Positions: pos})
		require.NoError(t, err)
		w.supplies = append(w.supplies, &monthSupply{id: d.ID, plan: plan})
	}
	newOrder := func() {
		units := map[string]int32{"KT-1": int32(1 + w.rng.IntN(2)), "MG-1": int32(w.rng.IntN(3))}
		var pos []moyskladtest.PositionSpec
		for _, g := range goods {
			if units[g] > 0 {
				pos = append(pos, moyskladtest.PositionSpec{ProductID: ids[g], Quantity: float64(units[g]), Price: 150000})
			}
		}
		n := len(w.orders)
		d, err := h.ms.CreateDocument(moysklad.TypeCustomerOrder, moyskladtest.DocumentSpec{Name: fmt.Sprintf("m%d", n), Store: store.ID,
			Agent: buyer.ID, Applicable: true, ShipmentAddress: &moysklad.Address{City: "Москва", Street: "ул Тверская", House: "1"}, Positions: pos})
		require.NoError(t, err)
		w.orders = append(w.orders, &monthOrder{id: d.ID, number: fmt.Sprintf("m%d", n), units: units, returned: map[string]int32{}})
	}
	newShipment := func() {
		g := goods[w.rng.IntN(len(goods))]
		if h.fb.Available(g) < 10 {
			return
		}
		units := map[string]int32{g: int32(1 + w.rng.IntN(3))}
		d, err := h.ms.CreateDocument(moysklad.TypeDemand, moyskladtest.DocumentSpec{Store: store.ID, Agent: buyer.ID,
			Positions: []moyskladtest.PositionSpec{{ProductID: ids[g], Quantity: float64(units[g]), Price: 100000}}})
		require.NoError(t, err)
		w.shipments = append(w.shipments, &monthShipment{id: d.ID, units: units})
	}
	var own []int64 // the warehouse's own documents, which it may correct
	issued := func(kind string, id int64, err error) {
		if err != nil {
			t.Logf("the warehouse could not issue a %s: %v", kind, err)
		}
		if err == nil && id != 0 {
			w.outdocs = append(w.outdocs, id)
			w.acts[kind]++
			if kind != "receipt" && kind != "orders shipment" && kind != "goods shipment" {
				own = append(own, id)
			}
		}
	}
	// returnSome sends part of a shipped order back in one of the three ways.
	returnSome := func(kind int) {
		var shipped []*monthOrder
		for _, o := range w.orders {
			if o.shipped && (kind%4 != 0 || len(o.returned) == 0) { // a sealed parcel comes back whole or not at all
				shipped = append(shipped, o)
			}
		}
		if len(shipped) == 0 {
			return
		}
		o := shipped[w.rng.IntN(len(shipped))]
		var left []fboxtest.ReturnLine
		for _, g := range goods {
			if n := o.units[g] - o.returned[g]; n > 0 {
				left = append(left, fboxtest.ReturnLine{GoodID: g, Stock: n})
			}
		}
		if len(left) == 0 {
			return
		}
		switch kind % 4 {
		case 0: // the sealed parcel back, one unit missing and one broken
			if left[0].Stock > 1 {
				left[0].Stock--
				left[0].Quarantine = 1
			}
			if len(left) > 1 && left[1].Stock > 1 {
				left[1].Stock--
				left = append(left, fboxtest.ReturnLine{GoodID: left[1].GoodID, Defective: true, Stock: 1})
			}
			id, err := h.fb.FullReturn(o.number, 20, "Отказ от получения", left...)
			issued("full return", id, err)
			if err == nil {
				for _, l := range left {
					o.returned[l.GoodID] += l.Stock + l.Quarantine
				}
			}
		case 1, 2: // one unit opened and sent back: partial, may come again
			l := left[w.rng.IntN(len(left))]
			l.Stock = 1
			l.Defective = w.rng.IntN(3) == 0
			id, err := h.fb.PartReturn(o.number, l)
			issued("part return", id, err)
			if err == nil {
				o.returned[l.GoodID]++
			}
		case 3: // the buyer sends one unit back by post
			l := left[w.rng.IntN(len(left))]
			l.Stock = 1
			id, err := h.fb.ClientReturns(fboxtest.ClientReturn{ReturnBarcode: fmt.Sprintf("RB%d", len(w.outdocs)),
				ParcelBarcode: fmt.Sprintf("PB%d", len(w.outdocs)), OrderID: o.number, Lines: []fboxtest.ReturnLine{l}})
			issued("client return", id, err)
			if err == nil {
				o.returned[l.GoodID]++
			}
		}
	}
	unlinkedReturn := func() {
		g := goods[w.rng.IntN(len(goods))]
		id, err := h.fb.ClientReturns(fboxtest.ClientReturn{ReturnBarcode: fmt.Sprintf("RB-X%d", len(w.outdocs)),
			Lines: []fboxtest.ReturnLine{{GoodID: g, Stock: 1}}})
		issued("unlinked client return", id, err)
	}
	correct := func(typ int) {
		g := goods[w.rng.IntN(len(goods))]
		quarantine := h.fb.StockOf(g, fulfillment.QualUseful, fulfillment.GoodStateQuarantine)
		if h.fb.Available(g) < 6 {
			return // leave units orders hold alone
		}
		var (
			id  int64
			err error
		)
		switch typ % 6 {
		case 0:
			id, err = h.fb.Correction(fulfillment.CorrectionManual, fboxtest.CorrectionLine{GoodID: g, Stock: -1, Quarantine: 1})
		case 1:
			if quarantine == 0 {
				return
			}
			id, err = h.fb.Correction(fulfillment.CorrectionSurplus, fboxtest.CorrectionLine{GoodID: g, Stock: 1, Quarantine: -1})
		case 2:
			id, err = h.fb.Correction(fulfillment.CorrectionUsefulDefective, fboxtest.CorrectionLine{GoodID: g, Stock: -1},
				fboxtest.CorrectionLine{GoodID: g, Defective: true, Stock: 1})
		case 3:
			other := goods[(slices.Index(goods, g)+1)%len(goods)]
			id, err = h.fb.Correction(fulfillment.CorrectionRegrade, fboxtest.CorrectionLine{GoodID: g, Stock: -2},
				fboxtest.CorrectionLine{GoodID: other, Stock: 2})
		case 4:
			id, err = h.fb.Correction(fulfillment.CorrectionExpiration, fboxtest.CorrectionLine{GoodID: g, Stock: -1},
				fboxtest.CorrectionLine{GoodID: g, Defective: true, Stock: 1})
		case 5:
			if quarantine == 0 {
				return
			}
			id, err = h.fb.Correction(fulfillment.CorrectionQuarantineReset, fboxtest.CorrectionLine{GoodID: g, Quarantine: -quarantine})
		}
		issued("correction", id, err)
	}
	longStorage := func() {
		if len(w.boxes) > 0 && w.rng.IntN(2) == 0 {
			b := w.boxes[0]
			id, err := h.fb.FromLongStorage(b)
			issued("from long storage", id, err)
			if err == nil {
				w.boxes = w.boxes[1:]
			}
			return
		}
		g := goods[w.rng.IntN(len(goods))]
		if h.fb.Available(g) < 8 {
			return
		}
		w.nextBox++
		id, err := h.fb.ToLongStorage(1, fboxtest.LongBox{BoxID: w.nextBox, Lines: []fboxtest.Line{{GoodID: g, Useful: 3}}})
		issued("to long storage", id, err)
		if err == nil {
			w.boxes = append(w.boxes, w.nextBox)
		}
	}
	// replace has the warehouse correct one of its own recent documents
	// (a return, a correction, a long-storage move): locked, it asks to
	// unlock it, skladflow reverts it, and the replacement is booked.
	replace := func() {
		if len(own) == 0 {
			return
		}
		id := own[w.rng.IntN(len(own))]
		if _, ok := h.fb.Outdoc(id); !ok {
			return
		}
		if h.fb.ReplaceOutdoc(id, func(any) error { return nil }) == nil {
			w.acts["replaced"]++
		}
	}
	// The warehouse and the staff, one act at a time.
	warehouse := func() {
		for _, s := range w.supplies {
			if !s.sent {
				s.sent = h.ms.SetState(moysklad.TypeSupply, s.id, "Передать") == nil
				return
			}
			if _, ok := h.fb.SupplyTask(indocOf(s.id)); ok && !s.received {
				var lines []fboxtest.Line
				for _, g := range goods {
					l := fboxtest.Line{GoodID: g, Useful: s.plan[g]}
					if s.plan[g] == 0 { // a substitute: two of another good's units came as this one
						if w.rng.IntN(2) == 0 && len(lines) > 0 && lines[0].Useful > 2 {
							lines[0].Useful -= 2
							lines = append(lines, fboxtest.Line{GoodID: g, Useful: 2})
						}
						continue
					}
					switch w.rng.IntN(5) {
					case 0:
						l.Useful-- // short
					case 1:
						l.Useful--
						l.Defective = 1
					case 2:
						l.Useful += 2 // surplus
					}
					lines = append(lines, l)
				}
				id, err := h.fb.Receive(indocOf(s.id), lines...)
				issued("receipt", id, err)
				s.received = err == nil
				return
			}
		}
		var ready []string
		for _, o := range w.orders {
			if !o.sent {
				o.sent = h.ms.SetState(moysklad.TypeCustomerOrder, o.id, "Передать на склад") == nil
				return
			}
			switch _, stage, ok := h.fb.Order(o.number); {
			case ok && stage == fboxtest.StagePool:
				h.fb.ProcessOrders()
			case ok && stage == fboxtest.StageProduction && !o.shipped:
				ready = append(ready, o.number)
			}
		}
		if len(ready) > 0 {
			short := map[string]map[string]int32{}
			if w.rng.IntN(4) == 0 {
				short[ready[0]] = map[string]int32{"KT-1": 1}
			}
			id, err := h.fb.ShipOrders(short, ready...)
			issued("orders shipment", id, err)
			if err == nil {
				for _, o := range w.orders {
					if slices.Contains(ready, o.number) {
						o.shipped = true
						for g, n := range short[o.number] {
							o.units[g] -= n
						}
					}
				}
			}
			return
		}
		for _, sh := range w.shipments {
			if !sh.sent {
				sh.sent = h.ms.SetState(moysklad.TypeDemand, sh.id, "Передать") == nil
				return
			}
			if _, ok := h.fb.ShipmentTask(shipIndocOf(sh.id)); ok && !sh.shipped {
				id, err := h.fb.ShipGoods(shipIndocOf(sh.id), nil)
				issued("goods shipment", id, err)
				sh.shipped = err == nil
				return
			}
		}
	}
	// A day: staff bring a supply, take orders and ship goods out; the
	// warehouse takes things back, corrects its stock and moves boxes.
	n := 0 // rotates the kinds of returns and corrections, so a short run has each
	day := []func(){newSupply, newOrder, newOrder, newOrder, newShipment,
		func() { returnSome(n) }, func() { returnSome(n + 1) }, func() { returnSome(n + 2) },
		func() { correct(n) }, func() { correct(n + 3) }, longStorage, func() { n++ }}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		newSupply()
		newSupply()
		start := -1 // the first day begins once the first goods are in
		for i := 0; ctx.Err() == nil; i++ {
			w.mu.Lock()
			if start < 0 && w.supplies[0].received && w.supplies[1].received {
				start = i
			}
			if d := (i - start) / 40; start >= 0 && (i-start)%40 == 0 && d < days {
				for _, act := range day {
					act()
				}
				if d%3 == 2 {
					unlinkedReturn()
					replace()
				}
			}
			warehouse()
			w.mu.Unlock()
			time.Sleep(40 * time.Millisecond)
		}
	}()

	h.start()
	for k := 0; k < kills; k++ {
		time.Sleep(time.Duration(500+rand.IntN(3000)) * time.Millisecond) // not w.rng: the driver holds it
		h.stop(syscall.SIGKILL)
		h.start()
	}
	// Done when every document the warehouse issued is imported (locked)
	// and every staff command has its outcome.
	// What the warehouse issued on its own (production starts of the
	// orders it processes) is waited for in skladflow's own records.
	raw, err := sql.Open(storage.SQLDriver(h.db))
	require.NoError(t, err)
	defer raw.Close()
	pending := func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		var id int64
		var typ, status string
		err := raw.QueryRow(`SELECT outdoc_id, type, status FROM outdocs WHERE status IN ('new', 'applied', 'revert') LIMIT 1`).Scan(&id, &typ, &status)
		if err == nil {
			return fmt.Sprintf("warehouse document %d (%s) %s", id, typ, status)
		}
		for _, id := range w.outdocs {
			if hd, ok := h.fb.Outdoc(id); ok && !hd.Locked {
				return fmt.Sprintf("warehouse document %d (%s) not imported", id, hd.OutdocType)
			}
		}
		for _, s := range w.supplies {
			if got, err := h.ms.Document(moysklad.TypeSupply, s.id); err != nil || got.StateName() != "Проведён" {
				return fmt.Sprintf("supply %s: %q", got.Name, got.StateName())
			}
		}
		for _, o := range w.orders {
			if !o.shipped {
				_, stage, _ := h.fb.Order(o.number)
				got, _ := h.ms.Document(moysklad.TypeCustomerOrder, o.id)
				return fmt.Sprintf("order %s not shipped: warehouse %q, MoySklad %q", o.number, stage, got.StateName())
			}
		}
		for _, sh := range w.shipments {
			if !sh.shipped {
				got, _ := h.ms.Document(moysklad.TypeDemand, sh.id)
				return fmt.Sprintf("shipment %s not shipped: %q", got.Name, got.StateName())
			}
		}
		return ""
	}
	wait := 5*time.Minute + time.Duration(days)*10*time.Second
	deadline := time.Now().Add(wait)
	for left := pending(); left != ""; left = pending() {
		if time.Now().After(deadline) {
			t.Fatalf("not done after %s: %s\n%s", wait, left, h.logTail(40))
		}
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	h.stop(syscall.SIGTERM)
	t.Logf("month: %v", w.acts)

	// Every warehouse document was applied: none failed, none left.
	db, err := storage.Open(context.Background(), storage.Config{Path: h.db})
	require.NoError(t, err)
	failed, err := db.OutdocsWithStatus(context.Background(), "БетаПРО", storage.OutdocFailed, storage.OutdocNew, storage.OutdocApplied, storage.OutdocRevert)
	require.NoError(t, err)
	for _, od := range failed {
		t.Errorf("warehouse document %d (%s) left %s: %s", od.OutdocID, od.Type, od.Status, od.Error)
	}
	require.NoError(t, db.Close())

	// The parity report, as an operator runs it from cron.
	cmd := exec.Command(h.bin, "stock-check", "--config", h.cfg)
	cmd.Env = append(os.Environ(), h.env...)
	out, err := cmd.CombinedOutput()
	t.Logf("stock-check:\n%s", out)
	require.NoError(t, err, "stock-check found a discrepancy")

	// Every document skladflow created exists once (one per syncId).
	ms, err := moysklad.NewClient(moysklad.Config{BaseURL: h.ms.URL(), Token: token})
	require.NoError(t, err)
	for _, typ := range []string{moysklad.TypeDemand, moysklad.TypeSalesReturn, "enter", "loss", moysklad.TypeMove} {
		var list struct {
			Rows []map[string]any `json:"rows"`
		}
		require.NoError(t, ms.Do(context.Background(), "GET", "entity/"+typ, url.Values{"limit": {"1000"}}, nil, &list))
		seen := map[string]bool{}
		for _, d := range list.Rows {
			sid, _ := d["syncId"].(string)
			if sid == "" {
				continue
			}
			require.False(t, seen[sid], "%s with syncId %s created twice", typ, sid)
			seen[sid] = true
			require.Equal(t, true, d["applicable"], "%s %v posted", typ, d["name"])
		}
		t.Logf("%s: %d created by skladflow", typ, len(seen))
	}
}

func shipIndocOf(id string) string { return "MSO-" + strings.ReplaceAll(id, "-", "") }

// logTail is the end of the last run's log, for a failure's message.
func (h *harness) logTail(n int) string {
	if len(h.logs) == 0 {
		return ""
	}
	b, _ := os.ReadFile(h.logs[len(h.logs)-1])
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var keep []string
	for _, l := range lines {
		if strings.Contains(l, "WARN") || strings.Contains(l, "ERROR") || strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep[max(0, len(keep)-n):], "\n")
}
