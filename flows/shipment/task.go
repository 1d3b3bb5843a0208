package shipment

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
)

// indocID derives the warehouse task number from the MoySklad document, so
// a retry after a crash reuses it (FBox answers 1001 instead of creating a
// second task). The prefix keeps it apart from the inbound flow's numbers:
// FBox numbers are unique across every kind of task (fbox.md §9). attempt
// > 1 only after the earlier task was deleted.
func indocID(d *moysklad.Document, attempt int) string {
	id := "MSO-" + strings.ReplaceAll(d.ID, "-", "")
	if attempt > 1 {
		id += fmt.Sprintf("-%d", attempt)
	}
	return id
}

// goodID is the warehouse's key of an assortment item. It is the one place
// to switch to the catalogue's good_id mapping when that lands; until then
// it is the SKU field, as the inbound flow keys goods.
func goodID(a *moysklad.Product, skus moysklad.SKUFields) string { return skus.Of(a) }

// buildTask turns a document with expanded positions into a
// goods_shipment_task: lines of one good merged (FBox plans per good),
// services left out (they are not goods), a unit price for the
// warehouse's papers. Every problem is named, so staff fix them at once.
func buildTask(d *moysklad.Document, id string, skus moysklad.SKUFields, defective bool) (fulfillment.ShipmentTask, orchestrator.Problems) {
	t := fulfillment.ShipmentTask{IndocType: fulfillment.IndocShipmentTask, IndocID: id, IndocTxt: taskNote(d)}
	if defective && d.Type() == moysklad.TypePurchaseReturn {
		t.QualType = fulfillment.QualDefective
	}
	var problems orchestrator.Problems
	rows := d.Rows()
	if len(rows) == 0 {
		problems = append(problems, orchestrator.Problem{Text: "в документе нет позиций"})
	}
	index := map[string]int{}
	for i, p := range rows {
		line, a := i+1, p.Assortment
		if a == nil {
			problems = append(problems, orchestrator.Problem{Line: line, Text: "нет товара"})
			continue
		}
		if a.IsService() {
			continue
		}
		sku := goodID(a, skus)
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
			problems = append(problems, orchestrator.Problem{Line: line, Text: fmt.Sprintf("%s «%s»: дробное количество %s, склад отгружает только целые", sku, a.Name, minilog.Qty(q))})
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
		t.Items = append(t.Items, fulfillment.ShipmentItem{GoodID: sku, PlanQnt: int32(q), Price: unitPrice(p)})
	}
	if len(rows) > 0 && len(t.Items) == 0 && len(problems) == 0 {
		problems = append(problems, orchestrator.Problem{Text: "в документе только услуги, товаров для склада нет"})
	}
	if len(problems) > 0 {
		return fulfillment.ShipmentTask{}, problems
	}
	return t, nil
}

// unitPrice is a position's price per unit in roubles after its discount:
// MoySklad keeps prices in kopecks and the discount in percent.
func unitPrice(p moysklad.Position) float64 {
	var price, discount float64
	if raw, ok := p.Extra("price"); ok {
		_ = json.Unmarshal(raw, &price)
	}
	if raw, ok := p.Extra("discount"); ok {
		_ = json.Unmarshal(raw, &discount)
	}
	return math.Round(price*(100-discount)/100) / 100
}

func taskNote(d *moysklad.Document) string {
	kind := map[string]string{moysklad.TypeDemand: "Отгрузка", moysklad.TypePurchaseReturn: "Возврат поставщику",
		moysklad.TypeMove: "Перемещение"}[d.Type()]
	s := []rune(kind + " " + d.Name + " (МойСклад)")
	return string(s[:min(len(s), 255)]) // schema goods_shipment_task: indoc_txt maxLength 255
}

func totalPlanned(t fulfillment.ShipmentTask) int64 {
	var n int64
	for _, it := range t.Items {
		n += int64(it.PlanQnt)
	}
	return n
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
