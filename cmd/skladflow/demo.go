package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/skladflowtest"
	"github.com/skladflow/skladflow/storage"
)

func demo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "", `Runs a supply, a CDEK delivery and a customer order shipped by the warehouse through skladflow against built-in emulators of
MoySklad, the FBox warehouse and CDEK, prints what staff and support would see, and
exits 0.`, stdout, stderr)
	keep := fs.Bool("keep-running", false, "leave the emulators and the service up and print their URLs")
	verbose := fs.Bool("verbose", false, "print the service's log to stderr")
	if err := fs.parse(args, 0); err != nil {
		return err
	}
	log := slog.New(slog.DiscardHandler)
	if *verbose {
		log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return runDemo(ctx, demoOptions{Out: stdout, Log: log, KeepRunning: *keep})
}

type demoOptions struct {
	Out         io.Writer
	Log         *slog.Logger
	KeepRunning bool
	Timeout     time.Duration // per waiting step; defaults to 30s
}

// runDemo plays the whole inbound flow: a staff member hands a supply to
// the warehouse, the warehouse receives it with differences, skladflow
// brings the document to the truth.
func runDemo(ctx context.Context, o demoOptions) error {
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	out := o.Out
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }

	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	h, err := skladflowtest.New(ctx, skladflowtest.Options{
		CDEK: &cdektest.Options{ProcessAfter: time.Second},
		Products: []moyskladtest.ProductSpec{
			{Name: "Чайник электрический 1,7 л", Article: "KT-1700", Barcodes: []string{"4601234567890"}, Weight: 1.3},
			{Name: "Кружка керамическая 350 мл", Article: "MG-350", Barcodes: []string{"4601234567906"}},
			{Name: "Термос 0,5 л", Article: "TH-500", Barcodes: []string{"4601234567913"}},
			{Name: "Термос 0,75 л", Article: "TH-750", Barcodes: []string{"4601234567920"}},
		},
		Edit: func(c *config.Config) {
			c.Admin.Password = "demo"
			c.MoySklad.WebhookSecret = hex.EncodeToString(secret)
			c.Warehouses[0].FBox.PollInterval = config.Duration{Duration: time.Second}
			c.CDEK.WebhookSecret = hex.EncodeToString(secret) + "-cdek"
			c.CDEK.ShipmentPoint = "MSK123"
			c.CDEK.CheckAfter = config.Duration{Duration: 500 * time.Millisecond}
			c.Orders = &config.Orders{DeliveryID: 3} // the warehouse's СДЭК contract
		},
		Logger:      o.Log,
		WaitTimeout: o.Timeout,
	})
	if err != nil {
		return err
	}
	defer h.Close()
	ms, fb, cd, svc, cfg := h.MoySklad, h.FBox, h.CDEK, h.Service, h.Config
	kettle, mug, flask := h.Products[0], h.Products[1], h.Products[2]
	say("skladflow demo: MoySklad emulator %s, FBox emulator %s, CDEK emulator %s, skladflow %s", ms.URL(), fb.URL(), cd.URL(), cfg.PublicURL)
	say("")

	say("1. Сотрудник создаёт приёмку 00042 на «Склад БетаПРО» и ставит статус «Передать».")
	doc, err := h.Supply("00042", "Поставка от ООО «Посуда-Опт», счёт 118 от 20.11",
		skladflowtest.Line{Product: kettle, Quantity: 10, Price: 150000},
		skladflowtest.Line{Product: mug, Quantity: 24, Price: 25000},
		skladflowtest.Line{Product: flask, Quantity: 6, Price: 89000})
	if err != nil {
		return err
	}
	if err := h.SetStatus(moysklad.TypeSupply, doc.ID, cfg.Statuses.Submit); err != nil {
		return err
	}
	if _, err := h.WaitStatus(ctx, moysklad.TypeSupply, doc.ID, cfg.Statuses.Submitted); err != nil {
		return err
	}
	row, err := svc.Store.Document(ctx, moysklad.TypeSupply, doc.ID)
	if err != nil {
		return err
	}
	say("   → статус «%s», на складе задание %s.", cfg.Statuses.Submitted, row.IndocID)
	say("")

	say("2. Склад принимает товар: кружек пришло 20 вместо 24, вместо термосов 0,5 л пришли термосы 0,75 л.")
	if _, err := h.Receive(ctx, row.IndocID,
		fboxtest.Line{GoodID: "KT-1700", Useful: 10},
		fboxtest.Line{GoodID: "MG-350", Useful: 20},
		fboxtest.Line{GoodID: "TH-750", Useful: 6},
	); err != nil {
		return err
	}
	if _, err := h.WaitStatus(ctx, moysklad.TypeSupply, doc.ID, cfg.Statuses.Received); err != nil {
		return err
	}
	// skladflow records the step just after writing MoySklad, and locks the
	// warehouse document last: wait for both before showing the timeline.
	tl, err := h.WaitTimeline(ctx, moysklad.TypeSupply, doc.ID, func(tl []storage.TimelineEntry) bool {
		return len(tl) > 0 && strings.Contains(tl[len(tl)-1].Message, "/outdocs/lock")
	})
	if err != nil {
		return err
	}
	say("   → статус «%s».", cfg.Statuses.Received)
	say("")

	say("Хронология документа (для оператора):")
	printTimeline(out, tl)
	say("")
	final, err := ms.Document(moysklad.TypeSupply, doc.ID)
	if err != nil {
		return err
	}
	say("Документ в МойСклад:")
	printDocument(out, &final)
	say("")

	demand, err := demoDelivery(ctx, o, h)
	if err != nil {
		return err
	}
	say("")
	order, err := demoOrder(ctx, o, h)
	if err != nil {
		return err
	}
	say("")
	if err := demoStock(ctx, o, h, order); err != nil {
		return err
	}
	say("")
	if err := demoBulk(ctx, o, h); err != nil {
		return err
	}

	if o.KeepRunning {
		say("")
		say("Всё работает, Ctrl+C — выход.")
		say("  MoySklad emulator: %s (Authorization: Bearer %s)", ms.URL(), ms.Token())
		say("  FBox emulator:     %s (Basic partner:secret)", fb.URL())
		say("  skladflow:         %s/healthz, %s/metrics", cfg.PublicURL, cfg.PublicURL)
		say("  CDEK emulator:     %s", cd.URL())
		say("  admin (admin/demo): %s/admin/documents/supply/%s", cfg.PublicURL, doc.ID)
		say("                      %s/admin/documents/demand/%s", cfg.PublicURL, demand)
		say("                      %s/admin/documents/customerorder/%s", cfg.PublicURL, order)
		say("                      %s/admin/stock-check", cfg.PublicURL)
		say("  document:          curl -s --compressed -H 'Authorization: Bearer %s' '%s/entity/supply/%s?expand=state,positions.assortment'", ms.Token(), ms.URL(), doc.ID)
		<-ctx.Done()
	}
	return nil
}

// demoDelivery plays the CDEK flow: a demand handed to CDEK, validated,
// carried and delivered. It returns the demand's id.
func demoDelivery(ctx context.Context, o demoOptions, h *skladflowtest.Harness) (string, error) {
	cfg := h.Config
	say := func(format string, args ...any) { fmt.Fprintf(o.Out, format+"\n", args...) }
	say("3. Покупатель заказал чайник с доставкой. Сотрудник ставит отгрузке 00107 статус «%s».", cfg.Statuses.CDEKSubmit)
	doc, err := h.Demand("00107", "Заказ с сайта №5531", moyskladtest.CounterpartySpec{Name: "Иванов Иван", Phone: "+79991234567"},
		skladflowtest.Line{Product: h.Products[0], Quantity: 1, Price: 150000})
	if err != nil {
		return "", err
	}
	if err := h.SetStatus(moysklad.TypeDemand, doc.ID, cfg.Statuses.CDEKSubmit); err != nil {
		return "", err
	}
	if _, err := h.WaitStatus(ctx, moysklad.TypeDemand, doc.ID, cfg.Statuses.CDEKSubmitted); err != nil {
		return "", err
	}
	row, err := h.WaitDocument(ctx, moysklad.TypeDemand, doc.ID, func(r storage.Document) bool { return r.Delivery.TrackNumber != "" })
	if err != nil {
		return "", err
	}
	say("   → СДЭК проверил заказ и выдал номер %s: статус «%s», номер в комментарии и в доп. поле.", row.Delivery.TrackNumber, cfg.Statuses.CDEKSubmitted)
	say("")
	say("4. СДЭК принимает посылку, везёт её в Новосибирск и вручает (уведомления СДЭК).")
	for _, st := range [][3]string{
		{"RECEIVED_AT_SHIPMENT_WAREHOUSE", "Принят на склад отправителя", "Москва"},
		{"SENT_TO_RECIPIENT_CITY", "Отправлен в г. получатель", "Москва"},
		{"DELIVERED", "Вручен", "Новосибирск"},
	} {
		if err := h.CDEK.Advance(row.Delivery.OrderUUID, st[0], st[1], st[2]); err != nil {
			return "", err
		}
		if _, err := h.WaitStatus(ctx, moysklad.TypeDemand, doc.ID, cfg.CDEK.Statuses[st[0]]); err != nil {
			return "", err
		}
		say("   → %s: статус «%s»", st[1], cfg.CDEK.Statuses[st[0]])
	}
	final, err := h.MoySklad.Document(moysklad.TypeDemand, doc.ID)
	if err != nil {
		return "", err
	}
	say("")
	say("Отгрузка в МойСклад:")
	printDocument(o.Out, &final)
	return doc.ID, nil
}

// demoOrder plays a customer order the warehouse ships itself, one unit
// short: the order's status follows the warehouse, and the shipment is a
// posted demand created from the order. It returns the order's id.
func demoOrder(ctx context.Context, o demoOptions, h *skladflowtest.Harness) (string, error) {
	cfg, fb := h.Config, h.FBox
	say := func(format string, args ...any) { fmt.Fprintf(o.Out, format+"\n", args...) }
	say("5. Заказ покупателя 00212 зарезервирован на «Склад БетаПРО»: чайник и 3 кружки. Сотрудник ставит статус «%s».", cfg.Statuses.OrderSubmit)
	doc, err := h.CustomerOrder("00212", "Заказ с сайта №5540", moyskladtest.CounterpartySpec{Name: "Петрова Анна", Phone: "+79997654321"},
		skladflowtest.Line{Product: h.Products[0], Quantity: 1, Price: 150000},
		skladflowtest.Line{Product: h.Products[1], Quantity: 3, Price: 25000})
	if err != nil {
		return "", err
	}
	if err := h.SetStatus(moysklad.TypeCustomerOrder, doc.ID, cfg.Statuses.OrderSubmit); err != nil {
		return "", err
	}
	if _, err := h.WaitStatus(ctx, moysklad.TypeCustomerOrder, doc.ID, cfg.Statuses.OrderSubmitted); err != nil {
		return "", err
	}
	row, err := h.WaitState(ctx, moysklad.TypeCustomerOrder, doc.ID, "submitted")
	if err != nil {
		return "", err
	}
	say("   → статус «%s», на складе заказ %s (по строке на каждую штуку).", cfg.Statuses.OrderSubmitted, row.IndocID)
	say("")
	say("6. Склад берёт заказ в работу, собирает и отдаёт в службу доставки — одной кружки не нашлось.")
	fb.ProcessOrders()
	if _, err := h.WaitStatus(ctx, moysklad.TypeCustomerOrder, doc.ID, cfg.Statuses.Picking); err != nil {
		return "", err
	}
	say("   → статус «%s».", cfg.Statuses.Picking)
	if err := fb.StartPicking(row.IndocID); err != nil {
		return "", err
	}
	if _, err := fb.ShipOrders(map[string]map[string]int32{row.IndocID: {"MG-350": 1}}, row.IndocID); err != nil {
		return "", err
	}
	if err := h.Service.PollNow(ctx); err != nil {
		return "", err
	}
	final, err := h.WaitStatus(ctx, moysklad.TypeCustomerOrder, doc.ID, cfg.Statuses.ShippedPartly)
	if err != nil {
		return "", err
	}
	say("   → статус «%s»; создана и проведена отгрузка с тем, что уехало на самом деле.", cfg.Statuses.ShippedPartly)
	say("")
	say("Заказ в МойСклад:")
	printDocument(o.Out, &final)
	demands, err := h.Service.MoySklad.LinkedDemands(ctx, &final, "state", "positions.assortment", "attributes")
	if err != nil {
		return "", err
	}
	for _, d := range demands {
		say("")
		say("Отгрузка, созданная по заказу:")
		printDocument(o.Out, &d)
	}
	return doc.ID, nil
}

// demoStock plays what the warehouse does on its own: a buyer sends a mug
// of order 00212 back, a kettle is not found at its place; then the parity
// report compares both sides.
func demoStock(ctx context.Context, o demoOptions, h *skladflowtest.Harness, orderID string) error {
	cfg, fb, ms := h.Config, h.FBox, h.MoySklad
	say := func(format string, args ...any) { fmt.Fprintf(o.Out, format+"\n", args...) }
	row, err := h.Service.Store.Document(ctx, moysklad.TypeCustomerOrder, orderID)
	if err != nil {
		return err
	}
	say("7. Покупатель вернул одну кружку из заказа 00212: склад оформляет частичный возврат.")
	if _, err := fb.PartReturn(row.IndocID, fboxtest.ReturnLine{GoodID: "MG-350", Stock: 1}); err != nil {
		return err
	}
	if err := h.Service.PollNow(ctx); err != nil {
		return err
	}
	order, err := h.WaitStatus(ctx, moysklad.TypeCustomerOrder, orderID, cfg.Statuses.ReturnedPartly)
	if err != nil {
		return err
	}
	say("   → статус «%s»; создан и проведён возврат покупателя на «Склад БетаПРО».", cfg.Statuses.ReturnedPartly)
	say("")
	say("Заказ в МойСклад:")
	printDocument(o.Out, &order)
	say("")

	say("8. При пересчёте склад не нашёл на месте один чайник: документ инвентаризации, чайник в карантине.")
	kettle := h.Products[0]
	before := ms.Stock(h.Store.ID, kettle.ID)
	if _, err := fb.Correction(fulfillment.CorrectionManual, fboxtest.CorrectionLine{GoodID: "KT-1700", Stock: -1, Quarantine: 1}); err != nil {
		return err
	}
	if err := h.Service.PollNow(ctx); err != nil {
		return err
	}
	deadline := time.Now().Add(o.Timeout)
	for ms.Stock(h.Store.ID, kettle.ID) != before-1 {
		if time.Now().After(deadline) {
			return fmt.Errorf("demo: the correction was not booked within %s", o.Timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	say("   → создано и проведено списание одного чайника (политика карантина «%s»): в МойСклад на складе %v шт.", cfg.Stock.Quarantine, before-1)
	say("")

	say("9. Сверка остатков: склад против МойСклад.")
	checks, err := h.Service.StockCheck(ctx)
	if err != nil {
		return err
	}
	for _, c := range checks {
		say("   → склад %s: товаров %d, совпадает %d, в пути %d, объяснено %d, не объяснено %d.",
			c.Warehouse, c.Goods, c.Matched, c.InFlight, c.Explained, c.Unexplained)
		for _, l := range c.Lines {
			say("     %s %s: склад %v, МойСклад %v — %s", l.GoodID, l.Name, l.Expected, l.Actual, l.Note)
		}
	}
	return nil
}

func printTimeline(w io.Writer, tl []storage.TimelineEntry) {
	for _, e := range tl {
		fmt.Fprintf(w, "  %s  %-10s %s\n", e.At.In(moysklad.Moscow).Format("15:04:05.000"), e.Kind, e.Message)
	}
}

func printDocument(w io.Writer, d *moysklad.Document) {
	posted := "нет"
	if d.Applicable {
		posted = "да"
	}
	kind := map[string]string{moysklad.TypeSupply: "Приёмка", moysklad.TypeDemand: "Отгрузка", moysklad.TypeCustomerOrder: "Заказ покупателя",
		moysklad.TypeSalesReturn: "Возврат покупателя"}[d.Type()]
	status := ""
	if d.StateName() != "" {
		status = fmt.Sprintf(", статус «%s»", d.StateName())
	}
	fmt.Fprintf(w, "  %s %s%s, проведён: %s\n", kind, d.Name, status, posted)
	for _, a := range d.Attributes {
		fmt.Fprintf(w, "  %s: %v\n", a.Name, a.Value)
	}
	for i, p := range d.Rows() {
		name, sku := "", ""
		if p.Assortment != nil {
			name, sku = p.Assortment.Name, p.Assortment.Article
		}
		fmt.Fprintf(w, "  %2d. %-8s %-30s %6s шт.\n", i+1, sku, name, strings.TrimSuffix(fmt.Sprintf("%.3f", p.Quantity), ".000"))
	}
	fmt.Fprintln(w, "  Комментарий:")
	for _, l := range strings.Split(d.Description, "\n") {
		fmt.Fprintln(w, "    "+l)
	}
}
