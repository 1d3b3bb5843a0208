package minilog_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
)

var at = time.Date(2026, 11, 24, 16, 34, 0, 0, time.UTC)

func TestLineStampsMoscowTime(t *testing.T) {
	t.Parallel()
	require.Equal(t, "24.11.2026 19:34 Передан на склад", minilog.Line(at, "Передан\n на склад"))
}

func TestAppendKeepsStaffText(t *testing.T) {
	t.Parallel()
	staff := "Поставка от ООО Ромашка\nзвонить Ивану"
	c, dropped := minilog.Append(staff, minilog.Line(at, "первая"))
	require.Zero(t, dropped)
	c, _ = minilog.Append(c, minilog.Line(at, "вторая"))
	require.Equal(t, staff+"\n"+minilog.Separator+"\n24.11.2026 19:34 первая\n24.11.2026 19:34 вторая", c)

	l := minilog.Parse(c)
	require.Equal(t, staff, l.Staff)
	require.Equal(t, []string{"24.11.2026 19:34 первая", "24.11.2026 19:34 вторая"}, l.Lines)
}

func TestAppendWithoutStaffText(t *testing.T) {
	t.Parallel()
	c, _ := minilog.Append("", "x")
	require.Equal(t, minilog.Separator+"\nx", c)
}

func TestAppendDropsOldestLinesFirst(t *testing.T) {
	t.Parallel()
	staff := strings.Repeat("т", 3000)
	c := staff
	for i := 0; i < 100; i++ {
		c, _ = minilog.Append(c, minilog.Line(at, strings.Repeat("л", 40)+string(rune('A'+i%26))))
	}
	require.LessOrEqual(t, utf8.RuneCountInString(c), minilog.Limit)
	l := minilog.Parse(c)
	require.Equal(t, staff, l.Staff, "staff text must stay intact")
	require.True(t, strings.HasSuffix(l.Lines[len(l.Lines)-1], string(rune('A'+99%26))), "newest line kept")
	require.Less(t, len(l.Lines), 100)
}

func TestAppendStaffTextAtLimit(t *testing.T) {
	t.Parallel()
	staff := strings.Repeat("т", minilog.Limit-len([]rune(minilog.Separator))-10)
	c, _ := minilog.Append(staff, strings.Repeat("л", 50))
	require.Equal(t, minilog.Limit, utf8.RuneCountInString(c))
	require.True(t, strings.HasPrefix(c, staff+"\n"+minilog.Separator+"\n"))
	require.True(t, strings.HasSuffix(c, "…"))

	full := strings.Repeat("т", minilog.Limit)
	c, _ = minilog.Append(full, "строка")
	require.Equal(t, full, c, "a full staff comment is never touched")
}

func FuzzAppend(f *testing.F) {
	f.Add("", "строка")
	f.Add("текст\n"+minilog.Separator+"\nстарая", "новая")
	f.Fuzz(func(t *testing.T, comment, line string) {
		if !utf8.ValidString(comment) || !utf8.ValidString(line) || strings.Contains(comment, minilog.Separator) {
			return
		}
		if utf8.RuneCountInString(comment) > minilog.Limit {
			return
		}
		c, _ := minilog.Append(comment, line)
		require.LessOrEqual(t, utf8.RuneCountInString(c), minilog.Limit)
		require.True(t, strings.HasPrefix(c, strings.TrimSuffix(comment, "\n")))
	})
}

func TestEndsWith(t *testing.T) {
	t.Parallel()
	c, _ := minilog.Append("Заказ с сайта", minilog.Line(at, "Передан в СДЭК: заказ № 1"), minilog.Line(at, "СДЭК: Вручен\n(Москва)"))
	require.True(t, minilog.EndsWith(c, "СДЭК: Вручен (Москва)"))
	require.True(t, minilog.EndsWith(c, "Передан в СДЭК: заказ № 1", "СДЭК: Вручен (Москва)"))
	require.False(t, minilog.EndsWith(c, "Передан в СДЭК: заказ № 1"), "only the newest lines count")
	require.False(t, minilog.EndsWith(c, "СДЭК: Вручен"))
	require.False(t, minilog.EndsWith("Заказ с сайта", "СДЭК: Вручен (Москва)"))
	require.False(t, minilog.EndsWith(c))
}

func TestWrittenNamesTheWarehouse(t *testing.T) {
	t.Parallel()
	c, _ := minilog.Append("", minilog.Line(at, "Отгружено складом БетаПРО "+minilog.OutdocMark(1001)+": отгружено 7 из 8 шт.; передаю перемещение на склад Второй склад"))
	require.True(t, minilog.Written(c, "БетаПРО", minilog.OutdocMark(1001)))
	require.False(t, minilog.Written(c, "Второй склад", minilog.OutdocMark(1001)), "the other warehouse's 1001")
	require.False(t, minilog.Written(c, "БетаПРО", minilog.OutdocMark(1002)))
	require.False(t, minilog.Written(c, "БетаПРО", minilog.RevertMark(1001)))
}

func TestCauseIsWhatStaffRead(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("create: %w", &fulfillment.Error{HTTPStatus: 400, Code: 1000, Message: "Заказ 1: товар X не зарегистрирован", Op: "POST /orders"})
	require.Equal(t, "ошибка склада 1000: Заказ 1: товар X не зарегистрирован", minilog.Cause(err))
	require.Equal(t, "склад ответил HTTP 503: busy", minilog.Cause(&fulfillment.Error{HTTPStatus: 503, Code: 503, Message: "busy"}))
	ms := &moysklad.APIError{Status: 412, Method: "PUT", Path: "/entity/demand/1", Errors: []moysklad.ErrorElement{
		{Code: 17015, Error: "Нельзя провести документ"}, {Error: "ещё одна причина"}}}
	require.Equal(t, "ошибка 17015: Нельзя провести документ; ещё одна причина", minilog.Cause(ms), "no request in it")
	require.Equal(t, "сеть недоступна", minilog.Cause(errors.New("сеть недоступна")))
}
