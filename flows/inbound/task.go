package inbound

import (
	"fmt"
	"math"
	"strings"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/minilog"
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

// buildSupplyTask turns a document with expanded positions into a
// goods_supply_task. Lines of the same good are merged: FBox plans per good.
// Services are not goods: they stay in MoySklad only. Variants are goods
// keyed by their own field.
func buildSupplyTask(d *moysklad.Document, id string, skus moysklad.SKUFields) (fulfillment.SupplyTask, orchestrator.Problems) {
	t := fulfillment.SupplyTask{
		IndocType: fulfillment.IndocSupplyTask,
		IndocID:   id,
		IndocTxt:  taskNote(d),
	}
	var problems orchestrator.Problems
	rows := d.Rows()
	if len(rows) == 0 {
		problems = append(problems, orchestrator.Problem{Text: "в документе нет позиций"})
	}
	index := map[string]int{}
	for i, p := range rows {
		line := i + 1
		a := p.Assortment
		if a == nil {
			problems = append(problems, orchestrator.Problem{Line: line, Text: "нет товара"})
			continue
		}
		if a.IsService() {
			continue
		}
		sku := skus.Of(a)
		if sku == "" {
			what := "товара"
			if a.IsVariant() {
				what = "модификации"
			}
			problems = append(problems, orchestrator.Problem{Line: line,
				Text: fmt.Sprintf("у %s «%s» не заполнено поле «%s»", what, a.Name, skuLabel(skus.FieldOf(a)))})
			continue
		}
		q := p.Quantity
		switch {
		case q <= 0:
			problems = append(problems, orchestrator.Problem{Line: line, Text: fmt.Sprintf("%s «%s»: количество %s, нужно больше нуля", sku, a.Name, minilog.Qty(q))})
			continue
		case q != math.Trunc(q):
			problems = append(problems, orchestrator.Problem{Line: line, Text: fmt.Sprintf("%s «%s»: дробное количество %s, склад принимает только целые", sku, a.Name, minilog.Qty(q))})
			continue
		case q > math.MaxInt32:
			problems = append(problems, orchestrator.Problem{Line: line, Text: fmt.Sprintf("%s «%s»: количество %s больше допустимого складом", sku, a.Name, minilog.Qty(q))})
			continue
		}
		if j, ok := index[sku]; ok {
			sum := int64(t.Items[j].PlanQnt) + int64(q)
			if sum > math.MaxInt32 {
				problems = append(problems, orchestrator.Problem{Line: line, Text: fmt.Sprintf("%s: общее количество больше допустимого складом", sku)})
				continue
			}
			t.Items[j].PlanQnt = int32(sum)
			continue
		}
		index[sku] = len(t.Items)
		t.Items = append(t.Items, fulfillment.TaskItem{GoodID: sku, PlanQnt: int32(q)})
		g := fulfillment.Good{GoodID: sku, GoodName: name255(a.Name)}
		for _, b := range a.BarcodeValues() {
			g.EANs = append(g.EANs, fulfillment.EAN{Mode: fulfillment.EANAdd, Value: b})
		}
		t.Goods = append(t.Goods, g)
	}
	if len(rows) > 0 && len(t.Items) == 0 && len(problems) == 0 {
		problems = append(problems, orchestrator.Problem{Text: "в документе только услуги, товаров для склада нет"})
	}
	if len(problems) > 0 {
		return fulfillment.SupplyTask{}, problems
	}
	return t, nil
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
