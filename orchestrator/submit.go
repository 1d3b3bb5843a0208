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

// submit hands a document to the warehouse as a goods_supply_task.
//
// The task number is saved (state Submitting) before the warehouse is
// called, so a retry after a crash sends the same number and cannot create
// a second task.
func (o *Orchestrator) submit(ctx context.Context, doc *moysklad.Document, row storage.Document, wh *Warehouse, lastTry bool) error {
	attempt := max(row.Attempt, 1)
	id := indocID(doc, attempt)
	task, problems := buildSupplyTask(doc, id, wh.SKUField)
	row, err := o.transition(ctx, row, fsm.Submit, func(_ *storage.Tx, d *storage.Document) error {
		d.Name, d.Warehouse, d.IndocID, d.Attempt, d.LastError = doc.Name, wh.Name, id, attempt, ""
		return nil
	}, storage.TimelineEntry{Kind: "decision",
		Message: fmt.Sprintf("статус «%s»: передаю на склад %s как задание %s", doc.StateName(), wh.Name, id)})
	if err != nil {
		return err
	}
	if problems != nil {
		return o.failSubmit(ctx, doc, row, fmt.Sprintf("Не передан на склад %s: %s", wh.Name, problems.Error()), problems)
	}
	if err := o.createTask(ctx, wh, task); err != nil {
		callEntry := storage.TimelineEntry{Kind: "call", Message: "FBox POST /indocs " + id + ": ошибка", Detail: err.Error()}
		if temporary(err) && !lastTry {
			if nerr := o.note(ctx, row, callEntry); nerr != nil {
				return nerr
			}
			return err
		}
		return o.failSubmit(ctx, doc, row, submitFailure(wh, err, lastTry), err, callEntry)
	}
	line := fmt.Sprintf("Передан на склад %s: задание %s, %s, %d шт.", wh.Name, id, positions(len(doc.Rows())), totalQnt(task))
	entry, err := o.writeBack(ctx, doc, o.cfg.Statuses.Submitted, nil, nil, line)
	if err != nil {
		return err
	}
	_, err = o.transition(ctx, row, fsm.SubmitOK, nil,
		storage.TimelineEntry{Kind: "call", Message: fmt.Sprintf("FBox POST /indocs %s: принято, %d шт.", id, totalQnt(task))}, entry)
	return err
}

// createTask creates the task, or confirms that the warehouse already has
// it: a duplicate number after a lost answer is success when the warehouse
// holds the same goods. A different task under our number is the document
// before staff fixed it: it is replaced.
func (o *Orchestrator) createTask(ctx context.Context, wh *Warehouse, task fulfillment.SupplyTask) error {
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
func submitFailure(wh *Warehouse, err error, lastTry bool) string {
	var fb *fulfillment.Error
	switch {
	case lastTry && temporary(err):
		cause := err.Error()
		if errors.As(err, &fb) {
			cause = fmt.Sprintf("HTTP %d: %s", fb.HTTPStatus, fb.Message)
		}
		return fmt.Sprintf("Не передан на склад %s: склад недоступен, повторные попытки исчерпаны (%s)", wh.Name, cause)
	}
	return fmt.Sprintf("Не передан на склад %s: %s", wh.Name, fboxCause(err))
}

// failSubmit writes «Ошибка передачи» with the cause and records it.
func (o *Orchestrator) failSubmit(ctx context.Context, doc *moysklad.Document, row storage.Document, line string, cause error, entries ...storage.TimelineEntry) error {
	return o.fail(ctx, doc, row, fsm.SubmitFail, o.cfg.Statuses.SubmitFailed, line, cause, nil, entries...)
}

// resumeSubmit finishes a submission a crash interrupted after the
// document's status was already written.
func (o *Orchestrator) resumeSubmit(ctx context.Context, doc *moysklad.Document, row storage.Document) error {
	recovered := storage.TimelineEntry{Kind: "recovered", Message: fmt.Sprintf("статус «%s» уже записан, завершаю переход", doc.StateName())}
	var err error
	switch doc.StateName() {
	case o.cfg.Statuses.Submitted:
		_, err = o.transition(ctx, row, fsm.SubmitOK, nil, recovered)
	case o.cfg.Statuses.SubmitFailed:
		_, err = o.transition(ctx, row, fsm.SubmitFail, nil, recovered)
	}
	return err
}
