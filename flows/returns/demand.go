package returns

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// writeDemand writes the demand's status and mini-log line in one PUT
// (the demand is no flow's row: the order's run does not write it). A
// status MoySklad does not have is left out and the line still written;
// status "" writes the line only.
func (f *Flow) writeDemand(ctx context.Context, demand *moysklad.Document, status, line string) (storage.TimelineEntry, error) {
	if (status == "" || demand.StateName() == status) && minilog.EndsWith(demand.Description, line) {
		return storage.TimelineEntry{Kind: storage.KindRecovered,
			Message: fmt.Sprintf("МойСклад: отгрузка %s — строка уже записана прерванным запуском, не повторяю", demand.Name)}, nil
	}
	var upd moysklad.DocumentUpdate
	msg := fmt.Sprintf("МойСклад: отгрузка %s", demand.Name)
	if status != "" {
		st, err := f.o.State(ctx, moysklad.TypeDemand, status)
		var unknown *orchestrator.UnknownStateError
		switch {
		case errors.As(err, &unknown):
			msg += fmt.Sprintf(", статуса «%s» у отгрузок нет (создайте его: skladflow setup)", status)
		case err != nil:
			return storage.TimelineEntry{}, err
		default:
			upd.State = st.Ref()
			msg += fmt.Sprintf(", статус «%s»", status)
		}
	}
	stamped := minilog.Line(f.o.Now(), line)
	desc, _ := minilog.Append(demand.Description, stamped)
	upd.Description = &desc
	if _, err := f.o.MoySklad().UpdateDocument(ctx, moysklad.TypeDemand, demand.ID, upd); err != nil {
		if errors.Is(err, moysklad.ErrNotFound) {
			return storage.TimelineEntry{Kind: storage.KindEvent, Message: fmt.Sprintf("отгрузка %s удалена в МоёмСкладе: статус не записан", demand.Name)}, nil
		}
		if orchestrator.Temporary(err) {
			return storage.TimelineEntry{}, fmt.Errorf("write demand %s: %w", demand.Name, err)
		}
		// The return is booked; a refused comment must not undo that.
		return storage.TimelineEntry{Kind: storage.KindError, Message: fmt.Sprintf("МойСклад не принял статус отгрузки %s: %s", demand.Name, minilog.Cause(err))}, nil
	}
	return storage.TimelineEntry{Kind: storage.KindWriteback, Message: msg, Detail: strings.TrimSpace(stamped) + "\n"}, nil
}
