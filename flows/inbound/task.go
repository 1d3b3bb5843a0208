package inbound

import (
	"fmt"
	"math"
	"strings"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
)

// indocID derives the warehouse document number from the MoySklad document,
// so a retry after a crash reuses it (FBox answers 1001 instead of creating
// a second task). attempt > 1 only after the earlier task was deleted.
func indocID(d *moysklad.Document, attempt int) string {
	id := "MS-" + strings.ReplaceAll(d.ID, "-", "")
	if attempt > 1 {
		id += fmt.Sprintf("-%d", attempt)
	}
	return id
}

// buildSupplyTask turns the goods the catalogue prepared (registered, with
// bundles expanded and services left out) into a goods_supply_task. Lines
// of the same good are merged: FBox plans per good. The goods are
// registered before the task, so the task carries none inline.
func buildSupplyTask(d *moysklad.Document, id string, prep *catalogue.Prepared) (fulfillment.SupplyTask, orchestrator.Problems) {
	t := fulfillment.SupplyTask{
		IndocType: fulfillment.IndocSupplyTask,
		IndocID:   id,
		IndocTxt:  taskNote(d),
	}
	index := map[string]int{}
	for _, it := range prep.Items {
		j, ok := index[it.GoodID]
		if !ok {
			index[it.GoodID] = len(t.Items)
			t.Items = append(t.Items, fulfillment.TaskItem{GoodID: it.GoodID, PlanQnt: it.Quantity})
			continue
		}
		sum := int64(t.Items[j].PlanQnt) + int64(it.Quantity)
		if sum > math.MaxInt32 {
			return fulfillment.SupplyTask{}, orchestrator.Problems{{Line: it.Position + 1, Text: fmt.Sprintf("%s: общее количество больше допустимого складом", it.GoodID)}}
		}
		t.Items[j].PlanQnt = int32(sum)
	}
	if len(t.Items) == 0 {
		return fulfillment.SupplyTask{}, orchestrator.Problems{{Text: "в документе только услуги, товаров для склада нет"}}
	}
	return t, nil
}

// documentProblems are what makes a document no task at all.
func documentProblems(d *moysklad.Document) orchestrator.Problems {
	if len(d.Rows()) == 0 {
		return orchestrator.Problems{{Text: "в документе нет позиций"}}
	}
	return nil
}

// goodsLines counts the lines that go to the warehouse: all but services.
func goodsLines(d *moysklad.Document) int {
	n := 0
	for _, p := range d.Rows() {
		if p.Assortment == nil || !p.Assortment.IsService() {
			n++
		}
	}
	return n
}

func taskNote(d *moysklad.Document) string {
	kind := "Приёмка"
	if d.Type() == moysklad.TypeMove {
		kind = "Перемещение"
	}
	return name255(kind + " " + d.Name + " (МойСклад)")
}

func name255(s string) string {
	r := []rune(s)
	if len(r) > 255 {
		return string(r[:255])
	}
	return s
}

// sameTask reports whether a task the warehouse holds is the one we would
// send: then a duplicate-number answer means "already there".
func sameTask(a, b fulfillment.SupplyTask) bool {
	if len(a.Items) != len(b.Items) {
		return false
	}
	want := map[string]int32{}
	for _, it := range a.Items {
		want[it.GoodID] += it.PlanQnt
	}
	for _, it := range b.Items {
		if want[it.GoodID] != it.PlanQnt {
			return false
		}
	}
	return true
}

func totalQnt(t fulfillment.SupplyTask) int64 {
	var n int64
	for _, it := range t.Items {
		n += int64(it.PlanQnt)
	}
	return n
}
