package shipment

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/minilog"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// cancel deletes the task at the warehouse, which FBox allows only before
// picking starts (#goods_shipment_desc «Замечания»). The start document is
// optional, so picking may have begun unseen: then the warehouse refuses,
// and its reason goes to «Ошибка отмены». A later «Передать» sends a new
// task under the next attempt's number.
func (f *Flow) cancel(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse) error {
	indoc := r.Row.IndocID
	if err := r.Transition(ctx, fsm.Cancel, nil, storage.TimelineEntry{Kind: storage.KindDecision,
		Message: fmt.Sprintf("статус «%s»: удаляю задание на отгрузку %s на складе %s", r.Status(), indoc, wh.Name)}); err != nil {
		return err
	}
	err := wh.API.DeleteIndoc(ctx, indoc)
	call := storage.TimelineEntry{Kind: storage.KindCall, Message: "FBox DELETE /indocs/" + indoc + ": удалено"}
	switch {
	case errors.Is(err, fulfillment.ErrNotFound) || indoc == "":
		call.Message = "FBox DELETE /indocs/" + indoc + ": задания на складе нет"
	case err != nil:
		return r.Failed(ctx, err, storage.TimelineEntry{Kind: storage.KindCall, Message: "FBox DELETE /indocs/" + indoc + ": ошибка", Detail: err.Error()},
			func() error {
				line := fmt.Sprintf("Отмена не выполнена: склад %s не удалил задание на отгрузку %s (подбор уже начат?): %s", wh.Name, indoc, minilog.Cause(err))
				return r.Fail(ctx, fsm.CancelFail, f.cfg.Statuses.CancelFailed, line, err, nil)
			})
	}
	entry, err := r.Say(ctx, f.cfg.Statuses.Cancelled, fmt.Sprintf("Отменён: задание на отгрузку %s удалено на складе %s", indoc, wh.Name))
	if err != nil {
		return err
	}
	return r.Transition(ctx, fsm.CancelOK, func(_ *storage.Tx, d *storage.Document) error {
		// A new attempt keeps the warehouse's history of the old task apart
		// from the new one.
		d.Attempt++
		d.LastError = ""
		return nil
	}, call, entry)
}

// refuseCancel answers a cancel command the flow does not allow: picking
// has started (the warehouse said so), the goods are shipped, or nothing
// was ever sent.
func (f *Flow) refuseCancel(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse) error {
	var line string
	switch r.State() {
	case fsm.New:
		line = "Отменять нечего: документ не передавался на склад"
	case fsm.Cancelled:
		line = "Документ уже отменён"
	case fsm.ShipmentShipped:
		line = fmt.Sprintf("Отмена не выполнена: склад %s уже отгрузил товар по заданию %s", wh.Name, r.Row.IndocID)
	default:
		line = fmt.Sprintf("Отмена не выполнена: склад %s уже начал подбор по заданию %s, удалить задание нельзя", wh.Name, r.Row.IndocID)
	}
	return r.Refuse(ctx, fsm.Cancel, f.cfg.Statuses.CancelFailed, line)
}
