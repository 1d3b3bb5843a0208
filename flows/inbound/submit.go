package inbound

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// submit hands a document to the warehouse as a goods_supply_task.
//
// The task number is saved (state Submitting) before the warehouse is
// called, so a retry after a crash sends the same number and cannot create
// a second task.
func (f *Flow) submit(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse) error {
	doc := r.Doc
	attempt := max(r.Row.Attempt, 1)
	id := indocID(doc, attempt)
	err := r.Transition(ctx, fsm.Submit, func(_ *storage.Tx, d *storage.Document) error {
		d.Name, d.Warehouse, d.IndocID, d.Attempt, d.LastError = doc.Name, wh.Name, id, attempt, ""
		return nil
	}, storage.TimelineEntry{Kind: storage.KindDecision,
		Message: fmt.Sprintf("статус «%s»: передаю на склад %s как задание %s", r.Status(), wh.Name, id)})
	if err != nil {
		return err
	}
	if problems := documentProblems(doc); problems != nil {
		return f.failSubmit(ctx, r, fmt.Sprintf("Не передан на склад %s: %s", wh.Name, problems.Error()), problems)
	}
	prep, err := wh.Catalogue.Prepare(ctx, doc.Rows())
	var refusal *catalogue.Refusal
	switch {
	case errors.As(err, &refusal):
		return f.failSubmit(ctx, r, fmt.Sprintf("Не передан на склад %s: %s", wh.Name, refusal.Error()), refusal)
	case err != nil:
		call := storage.TimelineEntry{Kind: storage.KindCall, Message: "FBox POST /goods (регистрация товаров): ошибка", Detail: err.Error()}
		return r.Failed(ctx, err, call, func() error {
			return f.failSubmit(ctx, r, submitFailure(wh, err, r.LastTry), err, call)
		})
	}
	task, problems := buildSupplyTask(doc, id, prep)
	if problems != nil {
		return f.failSubmit(ctx, r, fmt.Sprintf("Не передан на склад %s: %s", wh.Name, problems.Error()), problems)
	}
	if err := f.createTask(ctx, wh, task); err != nil {
		call := storage.TimelineEntry{Kind: storage.KindCall, Message: "FBox POST /indocs " + id + ": ошибка", Detail: err.Error()}
		return r.Failed(ctx, err, call, func() error {
			return f.failSubmit(ctx, r, submitFailure(wh, err, r.LastTry), err, call)
		})
	}
	line := fmt.Sprintf("Передан на склад %s: задание %s, %s, %d шт.", wh.Name, id, minilog.Positions(goodsLines(doc)), totalQnt(task))
	entry, err := r.Say(ctx, f.cfg.Statuses.Submitted, append(prep.NoticeLines(), line)...)
	if err != nil {
		return err
	}
	return r.Transition(ctx, fsm.SubmitOK, nil,
		storage.TimelineEntry{Kind: storage.KindCall, Message: fmt.Sprintf("FBox POST /indocs %s: принято, %d шт.", id, totalQnt(task))}, entry)
}

// createTask creates the task, or confirms that the warehouse already has
// it: a duplicate number after a lost answer is success when the warehouse
// holds the same goods. A different task under our number is the document
// before staff fixed it: it is replaced.
func (f *Flow) createTask(ctx context.Context, wh *feed.Warehouse, task fulfillment.SupplyTask) error {
	err := wh.API.CreateSupplyTask(ctx, task)
	if !errors.Is(err, fulfillment.ErrDuplicate) {
		return err
	}
	have, gerr := wh.API.GetSupplyTask(ctx, task.IndocID)
	if gerr != nil {
		return fmt.Errorf("задание %s уже есть на складе, прочитать его не удалось: %w", task.IndocID, gerr)
	}
	if sameTask(task, *have) {
		return nil
	}
	if derr := wh.API.DeleteIndoc(ctx, task.IndocID); derr != nil {
		return fmt.Errorf("на складе уже есть задание %s с другим составом, заменить его нельзя: %w", task.IndocID, derr)
	}
	return wh.API.CreateSupplyTask(ctx, task)
}

// submitFailure is the mini-log line for a task the warehouse did not take.
func submitFailure(wh *feed.Warehouse, err error, lastTry bool) string {
	if lastTry && orchestrator.Temporary(err) {
		cause := err.Error()
		var fb *fulfillment.Error
		if errors.As(err, &fb) {
			cause = fmt.Sprintf("HTTP %d: %s", fb.HTTPStatus, fb.Message)
		}
		return fmt.Sprintf("Не передан на склад %s: склад недоступен, повторные попытки исчерпаны (%s)", wh.Name, cause)
	}
	return fmt.Sprintf("Не передан на склад %s: %s", wh.Name, minilog.Cause(err))
}

// failSubmit writes «Ошибка передачи» with the cause and records it.
func (f *Flow) failSubmit(ctx context.Context, r *orchestrator.Run, line string, cause error, entries ...storage.TimelineEntry) error {
	return r.Fail(ctx, fsm.SubmitFail, f.cfg.Statuses.SubmitFailed, line, cause, nil, entries...)
}

// resumeSubmit finishes a submission a crash interrupted after the
// document's status was already written.
func (f *Flow) resumeSubmit(ctx context.Context, r *orchestrator.Run) error {
	recovered := storage.TimelineEntry{Kind: storage.KindRecovered, Message: fmt.Sprintf("статус «%s» уже записан, завершаю переход", r.Status())}
	switch r.Status() {
	case f.cfg.Statuses.Submitted:
		return r.Transition(ctx, fsm.SubmitOK, nil, recovered)
	case f.cfg.Statuses.SubmitFailed:
		return r.Transition(ctx, fsm.SubmitFail, nil, recovered)
	}
	return nil
}

// refuseSubmit answers a submit command the flow does not allow (the
// document is already with the warehouse): the status goes back to what it
// was, with the reason for staff.
func (f *Flow) refuseSubmit(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse) error {
	st := f.cfg.Statuses
	back := map[fsm.State]string{fsm.Submitted: st.Submitted, fsm.Receiving: st.Receiving, fsm.Received: st.Received}[r.State()]
	line := fmt.Sprintf("Повторная передача не выполнена: документ уже передан на склад %s (задание %s)", wh.Name, r.Row.IndocID)
	if back == "" {
		back = st.SubmitFailed
		line = "Передача не выполнена: документ в обработке, повторите позже"
	}
	return r.Refuse(ctx, fsm.Submit, back, line)
}
