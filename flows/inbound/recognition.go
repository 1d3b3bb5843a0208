package inbound

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// reportUnrecognized tells staff, in the comment of the document concerned,
// which items the warehouse received without a known barcode: its receipt
// cannot complete until they are identified, so the document waits. Each
// barcode is named once. It returns ErrBusy when a document was held by
// another job and is still to be told.
func (f *Flow) reportUnrecognized(ctx context.Context, wh *feed.Warehouse) error {
	items, err := wh.API.Unrecognized(ctx)
	if err != nil {
		return fmt.Errorf("recognition list of %s: %w", wh.Name, err)
	}
	byIndoc := map[string][]string{}
	var order []string
	for _, it := range items {
		for _, in := range it.Indocs {
			if _, seen := byIndoc[in.IndocID]; !seen {
				order = append(order, in.IndocID)
			}
			byIndoc[in.IndocID] = append(byIndoc[in.IndocID], unrecognizedText(it, in))
		}
	}
	var busy error
	for _, indoc := range order {
		row, err := f.o.Store().DocumentByIndoc(ctx, indoc)
		if errors.Is(err, storage.ErrNotFound) {
			continue // not ours
		}
		if err != nil {
			return err
		}
		err = f.o.WithDocument(ctx, row.Type, row.ID, func() error {
			return f.writeUnrecognized(ctx, wh, row, byIndoc[indoc])
		})
		switch {
		case errors.Is(err, orchestrator.ErrBusy):
			busy = err
		case err != nil:
			return err
		}
	}
	return busy
}

func unrecognizedText(it fulfillment.Unrecognized, in fulfillment.UnrecognizedIndoc) string {
	s := fmt.Sprintf("%s «%s»", barcodeMark(it.Barcode), it.Descrip)
	if it.Length > 0 && it.Width > 0 && it.Height > 0 {
		s += fmt.Sprintf(", %d×%d×%d мм", it.Length, it.Width, it.Height)
	}
	if it.Weight > 0 {
		s += fmt.Sprintf(", %d г", it.Weight)
	}
	return s + fmt.Sprintf(" — %d шт.", in.Qnt)
}

// barcodeMark names an unknown item in the mini-log; a comment carrying it
// has been told about the item.
func barcodeMark(barcode string) string { return "ШК " + barcode }

func (f *Flow) writeUnrecognized(ctx context.Context, wh *feed.Warehouse, row storage.Document, items []string) error {
	doc, err := f.o.MoySklad().GetDocument(ctx, row.Type, row.ID, "state")
	if err != nil {
		return err
	}
	r, err := f.o.NewRun(ctx, doc, row)
	if err != nil {
		return err
	}
	var fresh []string
	for _, it := range items {
		if !strings.Contains(r.Doc.Description, strings.SplitN(it, " «", 2)[0]) {
			fresh = append(fresh, it)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	line := fmt.Sprintf("Склад %s принял неопознанный товар по заданию %s: %s. Приёмка не завершится, пока склад его не опознает: сообщите складу, что это за товар (артикул)",
		wh.Name, r.Row.IndocID, strings.Join(fresh, "; "))
	entry, err := r.Say(ctx, r.Status(), line)
	if err != nil {
		return err
	}
	return r.Note(ctx, storage.TimelineEntry{Kind: storage.KindEvent, Message: "склад: неопознанный товар", Detail: strings.Join(fresh, "\n")}, entry)
}
