package orchestrator

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// cancel deletes the task at the warehouse while the warehouse allows it
// (before the goods arrive). A later «Передать» sends a new task under the
// next attempt's number.
func (o *Orchestrator) cancel(ctx context.Context, doc *moysklad.Document, row storage.Document, wh *Warehouse, lastTry bool) error {
	row, err := o.transition(ctx, row, fsm.Cancel, nil, storage.TimelineEntry{Kind: "decision",
		Message: fmt.Sprintf("статус «%s»: удаляю задание %s на складе %s", doc.StateName(), row.IndocID, wh.Name)})
	if err != nil {
		return err
	}
	err = wh.API.DeleteIndoc(ctx, row.IndocID)
	call := storage.TimelineEntry{Kind: "call", Message: "FBox DELETE /indocs/" + row.IndocID + ": удалено"}
	switch {
	case err == nil:
	case errors.Is(err, fulfillment.ErrNotFound):
		call.Message = "FBox DELETE /indocs/" + row.IndocID + ": задания на складе нет"
	case temporary(err) && !lastTry:
		if nerr := o.note(ctx, row, storage.TimelineEntry{Kind: "call", Message: "FBox DELETE /indocs/" + row.IndocID + ": ошибка", Detail: err.Error()}); nerr != nil {
			return nerr
		}
		return err
	default:
		line := fmt.Sprintf("Отмена не выполнена: задание %s на складе %s не удалено: %s", row.IndocID, wh.Name, fboxCause(err))
		return o.fail(ctx, doc, row, fsm.CancelFail, o.cfg.Statuses.CancelFailed, line, err, nil)
	}
	line := fmt.Sprintf("Отменён: задание %s удалено на складе %s", row.IndocID, wh.Name)
	entry, err := o.writeBack(ctx, doc, o.cfg.Statuses.Cancelled, nil, nil, line)
	if err != nil {
		return err
	}
	_, err = o.transition(ctx, row, fsm.CancelOK, func(_ *storage.Tx, d *storage.Document) error {
		// The number may be reused by FBox, but a new attempt keeps the
		// warehouse's history of the old task apart from the new one.
		d.Attempt++
		d.LastError = ""
		return nil
	}, call, entry)
	return err
}

// fboxCause is a warehouse error as staff read it.
func fboxCause(err error) string {
	var fb *fulfillment.Error
	if errors.As(err, &fb) {
		if fb.Code >= 1000 {
			return fmt.Sprintf("ошибка склада %d: %s", fb.Code, fb.Message)
		}
		return fmt.Sprintf("склад ответил HTTP %d: %s", fb.HTTPStatus, fb.Message)
	}
	return err.Error()
}
