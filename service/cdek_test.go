package service_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/skladflowtest"
	"github.com/skladflow/skladflow/storage"
)

func setupCDEK(t *testing.T, opts cdektest.Options, edit ...func(*config.Config)) *bundle {
	t.Helper()
	o := setupOpts{cdek: &opts}
	if len(edit) > 0 {
		o.edit = edit[0]
	}
	return setup(t, o)
}

// demand creates a shipment to a buyer as staff would.
func (b *bundle) demand(t *testing.T, name string, buyer moyskladtest.CounterpartySpec, lines ...line) moysklad.Document {
	t.Helper()
	d, err := b.h.Demand(name, "Заказ с сайта", buyer, harnessLines(lines, 150000)...)
	require.NoError(t, err)
	return d
}

var buyer = moyskladtest.CounterpartySpec{Name: "Иванов Иван", Phone: "+79991234567", Email: "ivanov@example.ru"}

func (b *bundle) advance(t *testing.T, uuid, code, name string) {
	t.Helper()
	require.NoError(t, b.cd.Advance(uuid, code, name, "Новосибирск"))
}

// waitOrder waits until skladflow has saved the CDEK order's id.
func (b *bundle) waitOrder(t *testing.T, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, patience)
	defer cancel()
	_, err := b.h.WaitDocument(ctx, moysklad.TypeDemand, id, func(r storage.Document) bool { return r.Delivery.OrderUUID != "" })
	require.NoError(t, err)
}

func attribute(d moysklad.Document, name string) any {
	for _, a := range d.Attributes {
		if a.Name == name {
			return a.Value
		}
	}
	return nil
}

// transitions counts the flow transitions of a document by event. Its own
// context: require.Eventually may call it once more while the test ends.
func (b *bundle) transitions(t *testing.T, typ, id, event string) int {
	t.Helper()
	tl, err := b.svc.Store.Timeline(context.Background(), typ, id)
	require.NoError(t, err)
	n := 0
	for _, e := range tl {
		if e.Kind == "transition" && strings.HasSuffix(e.Message, "("+event+")") {
			n++
		}
	}
	return n
}

func TestCDEKHappyPath(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{Manual: true})
	kettle := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Чайник", Article: "KT-1700", Weight: 1.2})
	doc := b.demand(t, "00107", buyer, line{kettle, 2}, line{b.p.mug, 3})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")

	// ACCEPTED is not success: nothing is written until CDEK validates.
	b.waitOrder(t, doc.ID)
	time.Sleep(300 * time.Millisecond) // a few checks while only ACCEPTED
	d, err := b.ms.Document(moysklad.TypeDemand, doc.ID)
	require.NoError(t, err)
	require.Equal(t, "Передать в СДЭК", d.StateName())
	require.Nil(t, attribute(d, "Трек-номер СДЭК"))
	require.Equal(t, "ordering", b.row(t, moysklad.TypeDemand, doc.ID).State)

	b.cd.Process()
	d = b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	row := b.row(t, moysklad.TypeDemand, doc.ID)
	ord, ok := b.cd.Order(row.Delivery.OrderUUID)
	require.True(t, ok)
	track := string(ord.CDEKNumber)
	require.NotEmpty(t, track)
	require.Contains(t, lastLine(t, d), "Передан в СДЭК: заказ № "+track+" (номер магазина MS-00107)")
	require.Equal(t, track, attribute(d, "Трек-номер СДЭК"))
	require.Contains(t, ord.Number, "00107", "support finds the order by the document's name")
	require.Equal(t, 1, b.cd.Creates())

	// The order as CDEK got it: recipient, address, one package with the goods' weights.
	env, err := b.svc.CDEK.GetOrder(b.ctx, row.Delivery.OrderUUID)
	require.NoError(t, err)
	require.Equal(t, row.Delivery.OrderNumber, env.Entity.Number)

	b.advance(t, row.Delivery.OrderUUID, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Принят на склад отправителя")
	d = b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Принят СДЭК")
	require.Contains(t, lastLine(t, d), "СДЭК: Принят на склад отправителя (Новосибирск)")
	b.advance(t, row.Delivery.OrderUUID, "SENT_TO_RECIPIENT_CITY", "Отправлен в г. получатель")
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "В пути (СДЭК)")
	b.advance(t, row.Delivery.OrderUUID, "ACCEPTED_AT_PICK_UP_POINT", "Принят на склад до востребования")
	b.advance(t, row.Delivery.OrderUUID, "DELIVERED", "Вручен")
	d = b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Доставлен")
	require.Contains(t, lastLine(t, d), "СДЭК: Вручен (Новосибирск)")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "delivered")
	require.Equal(t, "Заказ с сайта", strings.SplitN(d.Description, "\n", 2)[0], "staff text stays on top")
}

func TestCDEKInOperatorAPIAndMetrics(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{}, func(c *config.Config) { c.Admin.Password = "admin-pass-1" })
	doc := b.demand(t, "00120", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "in_delivery")
	row := b.row(t, moysklad.TypeDemand, doc.ID)

	status, body := b.api(t, "GET", "/api/documents?flow=cdek", "admin", "admin-pass-1")
	require.Equal(t, 200, status)
	docs := body["documents"].([]any)
	require.Len(t, docs, 1)
	dl := docs[0].(map[string]any)["delivery"].(map[string]any)
	require.Equal(t, row.Delivery.TrackNumber, dl["track_number"])
	require.Equal(t, "MS-00120", dl["order_number"])

	req, err := http.NewRequest("GET", b.cfg.PublicURL+"/admin/documents/demand/"+doc.ID, nil)
	require.NoError(t, err)
	req.SetBasicAuth("admin", "admin-pass-1")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(page), "Заказ СДЭК")
	require.Contains(t, string(page), "№ "+row.Delivery.TrackNumber)

	resp, err = http.Get(b.cfg.PublicURL + "/metrics")
	require.NoError(t, err)
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(metrics), `skladflow_transitions_total{flow="cdek",event="order_ok"} 1`)
	require.Contains(t, string(metrics), `skladflow_outbound_requests_total{peer="cdek",code="202"} 1`, "one POST /orders")
}

func TestCDEKOrderBody(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{})
	kettle := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Чайник", Article: "KT-1700", Weight: 1.2})
	doc := b.demand(t, "Отгрузка-7", buyer, line{kettle, 2}, line{b.p.mug, 3})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	row := b.row(t, moysklad.TypeDemand, doc.ID)
	require.Equal(t, "MS-Otgruzka-7", row.Delivery.OrderNumber, "ASCII only, as CDEK requires")
	got := b.cd.Body(row.Delivery.OrderUUID)
	require.Equal(t, cdek.TypeEShop, got.Type)
	require.Equal(t, 137, got.TariffCode)
	require.Equal(t, "MSK1", got.ShipmentPoint)
	require.Equal(t, "Иванов Иван", got.Recipient.Name)
	require.Equal(t, "+79991234567", got.Recipient.Phones[0].Number)
	require.Equal(t, "630099, г Новосибирск, ул Ленина, д 5, кв 12", got.ToLocation.Address)
	require.Equal(t, "Новосибирск", got.ToLocation.City)
	require.Len(t, got.Packages, 1)
	// 2 × 1.2 kg, and 3 mugs without a weight at the configured default of 500 g.
	require.Equal(t, 2*1200+3*500, got.Packages[0].Weight)
	require.Equal(t, []int{20, 15, 10}, []int{got.Packages[0].Length, got.Packages[0].Width, got.Packages[0].Height})
	require.Equal(t, 1500.0, got.Packages[0].Items[0].Cost, "kopecks become roubles")
}

func TestCDEKInvalidCause(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{}, func(c *config.Config) { c.CDEK.ShipmentPoint = "XXX9" })
	doc := b.demand(t, "00108", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	d := b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Ошибка СДЭК")
	require.Contains(t, lastLine(t, d), "Не передан в СДЭК: заказ MS-00108: СДЭК ответил: Пункт приёма XXX9 не найден (shipment_location_is_not_recognized)")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "order_failed")

	// A document skladflow can tell is incomplete never reaches CDEK.
	noPhone := b.demand(t, "00109", moyskladtest.CounterpartySpec{Name: "Петров Пётр"}, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, noPhone.ID, "Передать в СДЭК")
	d = b.waitStatus(t, moysklad.TypeDemand, noPhone.ID, "Ошибка СДЭК")
	require.Contains(t, lastLine(t, d), "Не передан в СДЭК: у контрагента «Петров Пётр» не указан телефон")
	require.Equal(t, 1, b.cd.Creates())
}

func TestCDEKTokenExpiresMidFlow(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{Manual: true})
	doc := b.demand(t, "00110", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitOrder(t, doc.ID)
	issued := b.cd.TokensIssued()
	b.cd.ExpireTokens() // CDEK revokes the token before its announced expiry
	b.cd.Process()
	d := b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	require.Contains(t, lastLine(t, d), "Передан в СДЭК: заказ №")
	require.Greater(t, b.cd.TokensIssued(), issued, "a new token was asked for")
	require.Equal(t, 1, b.cd.Creates())
}

func TestCDEKLostPushCaughtByPolling(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{}, func(c *config.Config) { c.CDEK.PollInterval = config.Duration{Duration: time.Second} })
	doc := b.demand(t, "00111", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	uuid := b.row(t, moysklad.TypeDemand, doc.ID).Delivery.OrderUUID
	b.cd.LosePushes(1)
	b.advance(t, uuid, "DELIVERED", "Вручен")
	pushes := b.cd.Pushes()
	require.Equal(t, "lost", pushes[len(pushes)-1].Err, "the push never arrived")
	d := b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Доставлен")
	require.Contains(t, lastLine(t, d), "СДЭК: Вручен")
}

func TestCDEKDuplicatePushesOneTransition(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{})
	b.cd.AddSubscription(b.cfg.PublicURL + "/hooks/cdek/" + b.cfg.CDEK.WebhookSecret) // a second subscription: every push comes twice
	doc := b.demand(t, "00112", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	uuid := b.row(t, moysklad.TypeDemand, doc.ID).Delivery.OrderUUID
	b.advance(t, uuid, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Принят на склад отправителя")
	d := b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Принят СДЭК")
	pushes := 0
	for _, p := range b.cd.Pushes() {
		var sp cdek.StatusPush
		require.NoError(t, json.Unmarshal(p.Body, &sp))
		if sp.Attributes.Code == "RECEIVED_AT_SHIPMENT_WAREHOUSE" {
			require.Equal(t, 200, p.Status)
			pushes++
		}
	}
	require.Equal(t, 2, pushes)
	// The status is written before the transition is saved: wait for it,
	// then give a second job time to run, if there were one.
	require.Eventually(t, func() bool { return b.transitions(t, moysklad.TypeDemand, doc.ID, "track") >= 1 }, patience, 20*time.Millisecond)
	require.Never(t, func() bool { return b.transitions(t, moysklad.TypeDemand, doc.ID, "track") > 1 }, 300*time.Millisecond, 20*time.Millisecond)
	n := 0
	for _, l := range logLines(d) {
		if strings.Contains(l, "Принят на склад отправителя") {
			n++
		}
	}
	require.Equal(t, 1, n, "one line in the comment")
}

func TestCDEKLostAnswerMakesNoSecondOrder(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{})
	b.cd.DropNextCreateAnswer() // CDEK creates the order; skladflow never hears back
	doc := b.demand(t, "00113", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	d := b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	require.Equal(t, 1, b.cd.Creates(), "the retry found the order by its number")
	ord, ok := b.cd.OrderByNumber("MS-00113")
	require.True(t, ok)
	require.Contains(t, lastLine(t, d), "заказ № "+string(ord.CDEKNumber))
	tl, err := b.svc.Store.Timeline(b.ctx, moysklad.TypeDemand, doc.ID)
	require.NoError(t, err)
	require.True(t, hasEntry(tl, "СДЭК GET /orders?im_number=MS-00113: заказ уже есть"))
}

func hasEntry(tl []storage.TimelineEntry, msg string) bool {
	for _, e := range tl {
		if e.Message == msg {
			return true
		}
	}
	return false
}

func TestCDEKCancel(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{})

	// Before pickup: the order is deleted.
	early := b.demand(t, "00114", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, early.ID, "Передать в СДЭК")
	b.waitStatus(t, moysklad.TypeDemand, early.ID, "Передан в СДЭК")
	b.waitRow(t, moysklad.TypeDemand, early.ID, "in_delivery")
	row := b.row(t, moysklad.TypeDemand, early.ID)
	b.setStatus(t, moysklad.TypeDemand, early.ID, "Отменить")
	d := b.waitStatus(t, moysklad.TypeDemand, early.ID, "Отменён")
	require.Contains(t, lastLine(t, d), "Отменён: заказ СДЭК № "+row.Delivery.TrackNumber+" удалён")
	ord, _ := b.cd.Order(row.Delivery.OrderUUID)
	require.Equal(t, "REMOVED", ord.Current().Code)
	b.waitRow(t, moysklad.TypeDemand, early.ID, "cancelled")

	// After pickup: a refusal; the parcel comes back and ends «Не доставлен».
	late := b.demand(t, "00115", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, late.ID, "Передать в СДЭК")
	b.waitStatus(t, moysklad.TypeDemand, late.ID, "Передан в СДЭК")
	b.waitRow(t, moysklad.TypeDemand, late.ID, "in_delivery")
	row = b.row(t, moysklad.TypeDemand, late.ID)
	b.advance(t, row.Delivery.OrderUUID, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Принят на склад отправителя")
	b.waitStatus(t, moysklad.TypeDemand, late.ID, "Принят СДЭК")
	b.setStatus(t, moysklad.TypeDemand, late.ID, "Отменить")
	d = b.waitStatus(t, moysklad.TypeDemand, late.ID, "Не доставлен")
	lines := logLines(d)
	require.Contains(t, lines[len(lines)-2], "Отменён: посылка уже у СДЭК, оформлен отказ — заказ СДЭК № "+row.Delivery.TrackNumber+" вернётся отправителю")
	require.Contains(t, lastLine(t, d), "СДЭК: Не вручен (Офис СДЭК), причина 11")
	b.waitRow(t, moysklad.TypeDemand, late.ID, "not_delivered")

	// Too late: nothing left to cancel.
	b.setStatus(t, moysklad.TypeDemand, late.ID, "Отменить")
	d = b.waitStatus(t, moysklad.TypeDemand, late.ID, "Ошибка отмены")
	require.Contains(t, lastLine(t, d), "Отмена не выполнена: заказ СДЭК № "+row.Delivery.TrackNumber+" уже завершён (NOT_DELIVERED)")
}

func TestCDEKReconciliationFindsLostCommand(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{}, func(c *config.Config) {
		c.MoySklad.ReconcileInterval = config.Duration{Duration: 300 * time.Millisecond}
	})
	b.ms.DisableWebhooks() // MoySklad never tells skladflow about this command
	doc := b.demand(t, "00121", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	d := b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	require.Contains(t, lastLine(t, d), "Передан в СДЭК: заказ №")
	tl, err := b.svc.Store.Timeline(b.ctx, moysklad.TypeDemand, doc.ID)
	require.NoError(t, err)
	require.True(t, hasEntry(tl, "сверка: документ в статусе «Передать в СДЭК», уведомления о нём нет — обрабатываю"))
}

// A run that wrote MoySklad and died before recording it leaves the row
// behind the document; the next run must not write the line again.
func TestCDEKWriteBeforeCrashIsNotRepeated(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{})
	doc := b.demand(t, "00122", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "in_delivery")
	before := b.row(t, moysklad.TypeDemand, doc.ID)
	b.advance(t, before.Delivery.OrderUUID, "DELIVERED", "Вручен")
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Доставлен")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "delivered")

	// The crash: the transition's commit is lost.
	_, err := b.svc.Store.Update(b.ctx, moysklad.TypeDemand, doc.ID, func(_ *storage.Tx, d *storage.Document) error {
		d.State, d.Delivery = before.State, before.Delivery
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, b.svc.Store.QueueCheck(b.ctx, moysklad.TypeDemand, doc.ID))
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "delivered")
	d, err := b.ms.Document(moysklad.TypeDemand, doc.ID)
	require.NoError(t, err)
	n := 0
	for _, l := range logLines(d) {
		if strings.Contains(l, "СДЭК: Вручен") {
			n++
		}
	}
	require.Equal(t, 1, n, "one delivery line:\n%s", d.Description)
	tl, err := b.svc.Store.Timeline(b.ctx, moysklad.TypeDemand, doc.ID)
	require.NoError(t, err)
	require.True(t, hasEntry(tl, "МойСклад: статус «Доставлен» и строка уже записаны прерванным запуском — не повторяю"))
}

// waitEntry waits until the document's timeline has an entry with msg.
func (b *bundle) waitEntry(t *testing.T, typ, id, msg string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, patience)
	defer cancel()
	_, err := b.h.WaitTimeline(ctx, typ, id, func(tl []storage.TimelineEntry) bool { return hasEntry(tl, msg) })
	require.NoError(t, err)
}

// requests counts the requests of a type CDEK lists on an order.
func (b *bundle) requests(uuid, typ string) int {
	n := 0
	for _, q := range b.cd.Requests(uuid) {
		if q.Type == typ {
			n++
		}
	}
	return n
}

// delivering sends a demand to CDEK, has CDEK validate it and waits until
// skladflow follows the parcel.
func (b *bundle) delivering(t *testing.T, name string) (moysklad.Document, storage.Document) {
	t.Helper()
	doc := b.demand(t, name, buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitOrder(t, doc.ID)
	b.cd.Process()
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "in_delivery")
	return doc, b.row(t, moysklad.TypeDemand, doc.ID)
}

// cdek.md §7: a deletion is only ACCEPTED at first; «Отменён» waits for
// CDEK's confirmation. A run that asked and died before recording it does
// not ask again: the DELETE on the order's request list tells.
func TestCDEKCancelWaitsForCDEK(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{Manual: true})
	doc, before := b.delivering(t, "00130")
	uuid := before.Delivery.OrderUUID

	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Отменить")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "cancelling")
	d, err := b.ms.Document(moysklad.TypeDemand, doc.ID)
	require.NoError(t, err)
	require.Equal(t, "Отменить", d.StateName(), "nothing written while CDEK has not answered")
	require.Equal(t, 1, b.requests(uuid, cdek.RequestDelete))

	// The crash: the commit after the DELETE is lost.
	_, err = b.svc.Store.Update(b.ctx, moysklad.TypeDemand, doc.ID, func(_ *storage.Tx, r *storage.Document) error {
		r.State, r.Delivery = before.State, before.Delivery
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, b.svc.Store.QueueCheck(b.ctx, moysklad.TypeDemand, doc.ID))
	b.waitEntry(t, moysklad.TypeDemand, doc.ID, "СДЭК: DELETE по заказу уже запрошен (ACCEPTED) прерванным запуском — не повторяю")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "cancelling")
	require.Equal(t, 1, b.requests(uuid, cdek.RequestDelete), "asked once")

	b.cd.Process()
	d = b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Отменён")
	require.Contains(t, lastLine(t, d), "Отменён: заказ СДЭК № "+before.Delivery.TrackNumber+" удалён")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "cancelled")
}

// cdek.md §2, §7: CDEK refuses a deletion once the parcel moved: the DELETE
// stays INVALID on the order's list next to the successful CREATE. Staff
// get «Ошибка отмены» with CDEK's reason, tracking goes on, and a later
// «Отменить» orders a refusal instead of taking the order for never made.
func TestCDEKCancelRefusedTrackingGoesOn(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{Manual: true})
	doc, row := b.delivering(t, "00131")
	uuid, label := row.Delivery.OrderUUID, "заказ СДЭК № "+row.Delivery.TrackNumber

	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Отменить")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "cancelling")
	b.advance(t, uuid, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Принят на склад отправителя") // before CDEK checks the DELETE
	b.cd.Process()
	d := b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Принят СДЭК")
	lines := logLines(d)
	require.Contains(t, lines[len(lines)-2], "Отмена не выполнена: "+label+" не удалён: СДЭК ответил: Заказ нельзя удалить: по нему уже есть движение (v2_order_forbidden_to_delete)")
	require.Contains(t, lines[len(lines)-1], "СДЭК: Принят на склад отправителя")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "in_delivery")

	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Отменить")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "cancelling")
	require.Equal(t, 1, b.requests(uuid, cdek.RequestCreateRefusal))
	b.cd.Process()
	d = b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Не доставлен")
	lines = logLines(d)
	require.Contains(t, lines[len(lines)-2], "Отменён: посылка уже у СДЭК, оформлен отказ — "+label+" вернётся отправителю")
	require.Contains(t, lastLine(t, d), "СДЭК: Не вручен (Офис СДЭК), причина 11")
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "not_delivered")
}

// cdek.md §7: CDEK deletes only a CREATED order, so «Отменить» on an order
// CDEK has not validated yet waits for the validation, then deletes it.
func TestCDEKCancelBeforeValidation(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{ProcessAfter: time.Second}) // long after the first checks
	doc := b.demand(t, "00132", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitOrder(t, doc.ID)
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Отменить")
	uuid := b.row(t, moysklad.TypeDemand, doc.ID).Delivery.OrderUUID
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "cancelling")
	ord, _ := b.cd.Order(uuid)
	require.Equal(t, cdek.StatusCreated, ord.Current().Code, "deleted only once validated")
	require.Equal(t, 1, b.requests(uuid, cdek.RequestDelete))
	d := b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Отменён")
	ord, _ = b.cd.Order(uuid)
	require.Contains(t, lastLine(t, d), "Отменён: заказ СДЭК № "+string(ord.CDEKNumber)+" удалён")
	require.Equal(t, cdek.StatusRemoved, ord.Current().Code)
	b.waitRow(t, moysklad.TypeDemand, doc.ID, "cancelled")
}

// The flow is chosen by the document's store as well as its type: goods
// lying at the fulfillment warehouse are shipped by the warehouse, so
// «Передать в СДЭК» there is refused with the reason, and CDEK is not
// called.
func TestCDEKRefusedForGoodsAtTheWarehouse(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{})
	agent := b.ms.AddCounterparty(buyer)
	addr := skladflowtest.Address
	doc, err := b.ms.CreateDocument(moysklad.TypeDemand, moyskladtest.DocumentSpec{Name: "00140", Store: b.store.ID, Agent: agent.ID,
		ShipmentAddress: &addr, Positions: []moyskladtest.PositionSpec{{ProductID: b.p.kettle.ID, Quantity: 1, Price: 150000}}})
	require.NoError(t, err)
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	d := b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Ошибка СДЭК")
	require.Contains(t, lastLine(t, d), "Не передан в СДЭК: товар на складе БетаПРО, а склад отправляет заказы сам")
	require.Zero(t, b.cd.Creates(), "no CDEK order")
	// The timeline is written after the status: wait for it.
	require.Eventually(t, func() bool {
		tl, err := b.svc.Store.Timeline(context.Background(), moysklad.TypeDemand, doc.ID)
		return err == nil && len(tl) > 0 && tl[0].Kind == storage.KindRefused
	}, patience, 20*time.Millisecond)
}
