package service_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"

	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
)

func TestFBoxErrorThenResubmit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fb.FailNext(fboxtest.Fault{Method: "POST", PathPrefix: "/indocs", Code: 1000,
		Message: "Товар KT-1700 заблокирован для приёмки", Count: 1})
	doc := b.supply(t, "", line{b.p.kettle, 3})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")

	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Ошибка передачи")
	require.Contains(t, lastLine(t, d), "Не передан на склад БетаПРО: ошибка склада 1000: Товар KT-1700 заблокирован для приёмки")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "submit_failed")
	require.Empty(t, b.fb.SupplyTasks())

	// Staff read the comment, the warehouse fixed it; «Передать» again.
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	d = b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	require.Len(t, b.fb.SupplyTasks(), 1)
	lines := logLines(d)
	require.Len(t, lines, 2)
	require.Contains(t, lines[1], "Передан на склад БетаПРО")
}

func TestValidationErrorNamesLineAndProduct(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := b.supply(t, "", line{b.p.kettle, 3}, line{b.p.noArticle, 2}, line{b.p.mug, 1.5})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Ошибка передачи")
	require.Contains(t, lastLine(t, d), "стр. 2: у товара «Ложка» не заполнено поле «Артикул»; стр. 3: MG-350 «Кружка»: дробное количество 1.5, склад принимает только целые")
	require.Empty(t, b.fb.SupplyTasks(), "nothing is sent when the document is wrong")
}

func TestReceipts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name     string
		receive  []fboxtest.Line
		nothing  bool
		status   string
		want     map[string]float64
		wantLine []string
	}{
		{name: "short", receive: []fboxtest.Line{{GoodID: "KT-1700", Useful: 10}, {GoodID: "MG-350", Useful: 20}},
			status: "Проведён", want: map[string]float64{"KT-1700": 10, "MG-350": 20},
			wantLine: []string{"принято 30 из 34 шт.", "стр. 2 MG-350 «Кружка»: ожидалось 24, принято 20 (недостача 4)"}},
		{name: "surplus", receive: []fboxtest.Line{{GoodID: "KT-1700", Useful: 12}, {GoodID: "MG-350", Useful: 24}},
			status: "Проведён", want: map[string]float64{"KT-1700": 12, "MG-350": 24},
			wantLine: []string{"принято 36 из 34 шт.", "стр. 1 KT-1700 «Чайник»: ожидалось 10, принято 12 (излишек 2)"}},
		{name: "substituted", receive: []fboxtest.Line{{GoodID: "KT-1700", Useful: 10}, {GoodID: "TH-750", Useful: 24}},
			status: "Проведён", want: map[string]float64{"KT-1700": 10, "TH-750": 24},
			wantLine: []string{"стр. 2 MG-350 «Кружка»: ожидалось 24, не поступило — строка удалена",
				"TH-750 «Термос 0,75 л»: не заказан, принято 24 — добавлена строка"}},
		{name: "defective", receive: []fboxtest.Line{{GoodID: "KT-1700", Useful: 9, Defective: 1}, {GoodID: "MG-350", Useful: 24}},
			status: "Проведён", want: map[string]float64{"KT-1700": 10, "MG-350": 24},
			wantLine: []string{"стр. 1 KT-1700 «Чайник»: ожидалось 10, принято 10, из них брак 1"}},
		{name: "never arrived", nothing: true, status: "Не поступил",
			want:     map[string]float64{"KT-1700": 10, "MG-350": 24},
			wantLine: []string{"товар не поступил", "Позиции не изменены, документ не проведён"}},
		{name: "unknown good", receive: []fboxtest.Line{{GoodID: "KT-1700", Useful: 10}, {GoodID: "XX-999", Useful: 3}},
			status: "Ошибка приёмки", want: map[string]float64{"KT-1700": 10, "MG-350": 24},
			wantLine: []string{"Приёмка не проведена", "XX-999 (3 шт.) — нет товара с полем «Артикул» = XX-999"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := b.supply(t, "", line{b.p.kettle, 10}, line{b.p.mug, 24})
			b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
			b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
			indoc := b.row(t, moysklad.TypeSupply, doc.ID).IndocID
			if tt.nothing {
				_, err := b.fb.ReceiveNothing(indoc)
				require.NoError(t, err)
				require.NoError(t, b.svc.PollNow(b.ctx))
			} else {
				b.receive(t, indoc, tt.receive...)
			}
			d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, tt.status)
			require.Equal(t, tt.want, quantities(d))
			require.Equal(t, tt.status == "Проведён", d.Applicable)
			for _, w := range tt.wantLine {
				require.Contains(t, lastLine(t, d), w)
			}
		})
	}
}

func TestUnknownGoodThenFixedAndRetried(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10})
	outdoc := b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 10}, fboxtest.Line{GoodID: "NEW-1", Useful: 2})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Ошибка приёмки")
	require.Equal(t, map[string]float64{"KT-1700": 10}, quantities(d), "nothing half-applied")
	require.False(t, d.Applicable)
	h, _ := b.fb.Outdoc(outdoc)
	require.False(t, h.Locked, "a receipt that was not applied stays unlocked")

	b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Новинка", Article: "NEW-1"})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	d = b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Equal(t, map[string]float64{"KT-1700": 10, "NEW-1": 2}, quantities(d))
	require.Eventually(t, func() bool { h, _ := b.fb.Outdoc(outdoc); return h.Locked }, patience, 20*time.Millisecond)
}

func TestDuplicateNotificationsMakeOneTask(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := b.supply(t, "", line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	var reqID string
	require.Eventually(t, func() bool {
		for _, d := range b.ms.Deliveries() {
			if strings.Contains(string(d.Body), doc.ID) && strings.Contains(string(d.Body), `"state"`) {
				reqID = d.RequestID
				return true
			}
		}
		return false
	}, 5*time.Second, 10*time.Millisecond)
	for range 3 {
		require.NoError(t, b.ms.Resend(reqID))
	}
	_, err := b.ms.ResendAsNew(reqID)
	require.NoError(t, err)
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	indoc := b.row(t, moysklad.TypeSupply, doc.ID).IndocID
	// Give the duplicates every chance to do harm.
	require.Never(t, func() bool { return b.fb.CreateCalls(indoc) > 1 }, 500*time.Millisecond, 20*time.Millisecond)
	require.Equal(t, 1, b.fb.CreateCalls(indoc))
	require.Len(t, logLines(b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")), 1)
}

func TestOwnWritesTriggerNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := b.supply(t, "", line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	require.Never(t, func() bool {
		for _, d := range b.ms.Deliveries() {
			if strings.Contains(d.URL, b.cfg.PublicURL) && strings.Contains(string(d.Body), `"uid":"skladflow@test"`) {
				return true
			}
		}
		return false
	}, 300*time.Millisecond, 20*time.Millisecond, "MoySklad must not notify skladflow of its own writes")
	for _, r := range b.ms.Requests() {
		if r.Method == "PUT" {
			require.Equal(t, []string{b.cfg.PublicURL}, r.DisableByPrefix)
		}
	}
	require.Equal(t, 1, b.ms.UpdateCount(moysklad.TypeSupply, doc.ID))
}

func TestOtherStoresAndStatusesDoNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	elsewhere, err := b.ms.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: "1", Store: b.other.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p.kettle.ID, Quantity: 1}}})
	require.NoError(t, err)
	b.setStatus(t, moysklad.TypeSupply, elsewhere.ID, "Передать")
	mine := b.supply(t, "", line{b.p.kettle, 1})
	b.ms.AddState(moysklad.TypeSupply, "Новый", moysklad.StateRegular)
	b.setStatus(t, moysklad.TypeSupply, mine.ID, "Новый")
	require.Never(t, func() bool { return len(b.fb.SupplyTasks()) > 0 }, 500*time.Millisecond, 20*time.Millisecond)
	require.Zero(t, b.ms.UpdateCount(moysklad.TypeSupply, elsewhere.ID))
	require.Zero(t, b.ms.UpdateCount(moysklad.TypeSupply, mine.ID))
}

func TestMoveIntoWarehouse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mv, err := b.ms.CreateDocument(moysklad.TypeMove, moyskladtest.DocumentSpec{Name: "П-7", SourceStore: b.other.ID, TargetStore: b.store.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p.mug.ID, Quantity: 5}}})
	require.NoError(t, err)
	b.setStatus(t, moysklad.TypeMove, mv.ID, "Передать")
	b.waitStatus(t, moysklad.TypeMove, mv.ID, "Передан")
	indoc := b.row(t, moysklad.TypeMove, mv.ID).IndocID
	task, ok := b.fb.SupplyTask(indoc)
	require.True(t, ok)
	require.Equal(t, "Перемещение П-7 (МойСклад)", task.IndocTxt)
	b.receive(t, indoc, fboxtest.Line{GoodID: "MG-350", Useful: 4})
	d := b.waitStatus(t, moysklad.TypeMove, mv.ID, "Проведён")
	require.Equal(t, map[string]float64{"MG-350": 4}, quantities(d))
}

func TestResubmitOfSubmittedDocumentIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := b.supply(t, "", line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	require.Eventually(t, func() bool {
		d, _ := b.ms.Document(moysklad.TypeSupply, doc.ID)
		return d.StateName() == "Передан" && strings.Contains(d.Description, "Повторная передача не выполнена")
	}, patience, 20*time.Millisecond)
	require.Len(t, b.fb.SupplyTasks(), 1)
}

func TestRateLimitStormCompletes(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{msOpts: moyskladtest.Options{RateLimit: 4, RateInterval: 500 * time.Millisecond}})
	doc := b.supply(t, "", line{b.p.kettle, 2}, line{b.p.mug, 3})
	b.ms.FailNext(moyskladtest.Fault{Status: 429, Code: 1049, Count: 6, RetryAfter: 100 * time.Millisecond})
	b.ms.FailNext(moyskladtest.Fault{Status: 429, Code: 1073, Count: 3})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	require.NotContains(t, d.Description, "Ошибка")
	indoc := b.row(t, moysklad.TypeSupply, doc.ID).IndocID
	b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 2}, fboxtest.Line{GoodID: "MG-350", Useful: 3})
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Greater(t, b.ms.RateLimited(), 0, "the storm happened")
}

func TestLongStaffCommentStaysIntact(t *testing.T) {
	t.Parallel()
	b := setup(t)
	staff := string([]rune(strings.Repeat("Важно: принимать только с паспортом качества. ", 88))[:4000])
	require.LessOrEqual(t, utf8.RuneCountInString(staff), 4000)
	doc := b.supply(t, staff, line{b.p.kettle, 10}, line{b.p.mug, 24})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	indoc := b.row(t, moysklad.TypeSupply, doc.ID).IndocID
	b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 7}, fboxtest.Line{GoodID: "TH-750", Useful: 24})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.LessOrEqual(t, utf8.RuneCountInString(d.Description), moysklad.DescriptionLimit)
	require.True(t, strings.HasPrefix(d.Description, staff+"\n"+minilog.Separator), "staff text untouched")
}

func TestWarehouseUnreachablePastHorizon(t *testing.T) {
	t.Parallel()
	// The horizon leaves room for a second try (the queue waits about a
	// second) even when the first one starts late on a loaded machine.
	b := setup(t, setupOpts{retryBudget: 100 * time.Millisecond, edit: func(c *config.Config) {
		c.Queue.RetryHorizon = config.Duration{Duration: 5 * time.Second}
	}})
	b.fb.FailNext(fboxtest.Fault{Method: "POST", PathPrefix: "/indocs", HTTPStatus: 503, Code: 503, Message: "Service Unavailable", Count: 1000})
	doc := b.supply(t, "", line{b.p.kettle, 3})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Ошибка передачи")
	require.Contains(t, lastLine(t, d), "Не передан на склад БетаПРО: склад недоступен, повторные попытки исчерпаны (HTTP 503: Service Unavailable)")
	tl, err := b.svc.Store.Timeline(b.ctx, moysklad.TypeSupply, doc.ID)
	require.NoError(t, err)
	calls := 0
	for _, e := range tl {
		if e.Kind == "call" {
			calls++
		}
	}
	require.Greater(t, calls, 1, "retried by the queue before giving up")

	// The warehouse is back; the operator re-runs the document.
	b.fb.ClearFaults()
	_, err = b.svc.Store.River().Insert(b.ctx, storage.RerunDocumentArgs{DocType: moysklad.TypeSupply, DocID: doc.ID}, nil)
	require.NoError(t, err)
	d = b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	require.Contains(t, lastLine(t, d), "Передан на склад БетаПРО")
}

func TestCancel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := b.supply(t, "", line{b.p.kettle, 3})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	first := b.row(t, moysklad.TypeSupply, doc.ID).IndocID

	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Отменить")
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Отменён")
	require.Contains(t, lastLine(t, d), "Отменён: задание "+first+" удалено на складе БетаПРО")
	_, exists := b.fb.SupplyTask(first)
	require.False(t, exists)
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "cancelled")

	// Handed over again: a new task under the next attempt's number.
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	second := b.row(t, moysklad.TypeSupply, doc.ID).IndocID
	require.Equal(t, first+"-2", second)

	// Once goods arrived the warehouse refuses to delete the task.
	_, err := b.fb.ReceivePart(second, 1, fboxtest.Line{GoodID: "KT-1700", Useful: 1})
	require.NoError(t, err)
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Отменить")
	d = b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Ошибка отмены")
	require.Contains(t, lastLine(t, d), "Отмена не выполнена: задание "+second+" на складе БетаПРО не удалено: ошибка склада 1000")
	require.Contains(t, lastLine(t, d), "товар уже поступил")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "submitted")
}

func TestCancelWhatWasNeverSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := b.supply(t, "", line{b.p.kettle, 3})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Отменить")
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Ошибка отмены")
	require.Contains(t, lastLine(t, d), "Отменять нечего: документ не передавался на склад")
}

func TestPartialReceipts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10}, line{b.p.mug, 24})

	_, err := b.fb.ReceivePart(indoc, 1, fboxtest.Line{GoodID: "KT-1700", Useful: 6})
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Принимается")
	require.Contains(t, lastLine(t, d), "Принимается на складе БетаПРО: часть 1")
	require.Contains(t, lastLine(t, d), "принято 6 шт.")
	require.Equal(t, map[string]float64{"KT-1700": 10, "MG-350": 24}, quantities(d), "positions change only with the final part")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "receiving")

	_, err = b.fb.ReceivePart(indoc, 2, fboxtest.Line{GoodID: "MG-350", Useful: 20})
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Eventually(t, func() bool {
		d, _ := b.ms.Document(moysklad.TypeSupply, doc.ID)
		return strings.Contains(d.Description, "часть 2")
	}, patience, 20*time.Millisecond)

	// The last part has no part_num: positions = the sum of all parts.
	b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 3}, fboxtest.Line{GoodID: "MG-350", Useful: 4})
	d = b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Equal(t, map[string]float64{"KT-1700": 9, "MG-350": 24}, quantities(d))
	require.Contains(t, lastLine(t, d), "принято 33 из 34 шт.")
}

func TestSurplusInASeparateDocument(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10})
	b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 10})
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "received")

	// Surplus found later, issued separately with attribute 624.
	surplus, err := b.fb.ReceiveSurplus(indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 2}, fboxtest.Line{GoodID: "MG-350", Useful: 3})
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Eventually(t, func() bool { h, _ := b.fb.Outdoc(surplus); return h.Locked }, patience, 20*time.Millisecond)
	d, err := b.ms.Document(moysklad.TypeSupply, doc.ID)
	require.NoError(t, err)
	require.Equal(t, "Проведён", d.StateName())
	require.True(t, d.Applicable)
	require.Equal(t, map[string]float64{"KT-1700": 12, "MG-350": 3}, quantities(d))
	require.Contains(t, lastLine(t, d), "Излишки на складе БетаПРО")
	require.Contains(t, lastLine(t, d), "добавлено 5 шт.")
}

func TestWarehousePushAppliesAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{push: true}) // the feed is polled hourly: only the push can be quick
	doc := b.supply(t, "", line{b.p.kettle, 4})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	outdoc, err := b.fb.Receive(b.row(t, moysklad.TypeSupply, doc.ID).IndocID, fboxtest.Line{GoodID: "KT-1700", Useful: 4})
	require.NoError(t, err)
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Equal(t, 1, strings.Count(d.Description, "Оприходовано"))
	require.Equal(t, 204, b.fb.Pushes()[0].Status)
	require.Eventually(t, func() bool { h, _ := b.fb.Outdoc(outdoc); return h.Locked }, patience, 20*time.Millisecond)

	// The periodic poll finds the same document again later: nothing twice.
	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Never(t, func() bool {
		d, _ := b.ms.Document(moysklad.TypeSupply, doc.ID)
		return strings.Count(d.Description, "Оприходовано") > 1
	}, 500*time.Millisecond, 20*time.Millisecond)
}

func TestWarehouseCorrectsAnAppliedReceipt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10}, line{b.p.mug, 5})
	first := b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 7}, fboxtest.Line{GoodID: "TH-750", Useful: 1})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Equal(t, map[string]float64{"KT-1700": 7, "TH-750": 1}, quantities(d))
	require.Eventually(t, func() bool { h, _ := b.fb.Outdoc(first); return h.Locked }, patience, 20*time.Millisecond)

	// The warehouse miscounted: it asks to unlock the document and will
	// replace it with the right one.
	require.NoError(t, b.fb.Correct(first, fboxtest.Line{GoodID: "KT-1700", Useful: 10}, fboxtest.Line{GoodID: "MG-350", Useful: 4}))
	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Eventually(t, func() bool { _, exists := b.fb.Outdoc(first); return !exists }, patience, 20*time.Millisecond,
		"skladflow reverted and unlocked it, so the warehouse replaced it")
	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Eventually(t, func() bool {
		d, _ = b.ms.Document(moysklad.TypeSupply, doc.ID)
		return d.StateName() == "Проведён" && strings.Contains(d.Description, "исправляет")
	}, patience, 20*time.Millisecond)
	require.Eventually(t, func() bool {
		d, _ = b.ms.Document(moysklad.TypeSupply, doc.ID)
		return strings.Count(d.Description, "Оприходовано") == 2
	}, patience, 20*time.Millisecond)
	require.Equal(t, map[string]float64{"KT-1700": 10, "MG-350": 4}, quantities(d), "the first receipt reverted exactly, the replacement applied")
	require.True(t, d.Applicable)
	require.Contains(t, d.Description, "Склад БетаПРО исправляет документ")
	require.Contains(t, d.Description, "позиции возвращены (2 позиции)")
}

func TestUnrecognizedGoodsAreToldOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc, indoc := b.submitted(t, line{b.p.kettle, 10})
	b.fb.AddUnknown(indoc, "2000000000123", "Чайник красный без этикетки", 3)
	require.NoError(t, b.svc.PollNow(b.ctx))
	var d moysklad.Document
	require.Eventually(t, func() bool {
		d, _ = b.ms.Document(moysklad.TypeSupply, doc.ID)
		return strings.Contains(d.Description, "ШК 2000000000123")
	}, patience, 20*time.Millisecond)
	require.Contains(t, lastLine(t, d), "Склад БетаПРО принял неопознанный товар по заданию "+indoc+
		": ШК 2000000000123 «Чайник красный без этикетки», 200×150×100 мм, 800 г — 3 шт.")
	require.Equal(t, "Передан", d.StateName(), "the document keeps waiting")

	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Never(t, func() bool {
		d, _ := b.ms.Document(moysklad.TypeSupply, doc.ID)
		return strings.Count(d.Description, "ШК 2000000000123") > 1
	}, 500*time.Millisecond, 20*time.Millisecond, "told once")
}
