package shipment

import (
	"fmt"
	"math"
	"strings"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/fulfillment"
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

// buildTask turns the goods the catalogue prepared (registered, good_ids
// fixed, bundles expanded into their components, services left out) into
// a goods_shipment_task: lines of one good merged (FBox plans per good),
// the unit price for the warehouse's papers.
func buildTask(d *moysklad.Document, id string, prep *catalogue.Prepared, defective bool) (fulfillment.ShipmentTask, orchestrator.Problems) {
	t := fulfillment.ShipmentTask{IndocType: fulfillment.IndocShipmentTask, IndocID: id, IndocTxt: taskNote(d)}
	if defective && d.Type() == moysklad.TypePurchaseReturn {
		t.QualType = fulfillment.QualDefective
	}
	index := map[string]int{}
	for _, it := range prep.Items {
		j, ok := index[it.GoodID]
		if !ok {
			index[it.GoodID] = len(t.Items)
			// Prepared prices are kopecks per unit after the discount.
			t.Items = append(t.Items, fulfillment.ShipmentItem{GoodID: it.GoodID, PlanQnt: it.Quantity, Price: math.Round(it.Price) / 100})
			continue
		}
		sum := int64(t.Items[j].PlanQnt) + int64(it.Quantity)
		if sum > math.MaxInt32 {
			return fulfillment.ShipmentTask{}, orchestrator.Problems{{Line: it.Position + 1, Text: fmt.Sprintf("%s: общее количество больше допустимого складом", it.GoodID)}}
		}
		t.Items[j].PlanQnt = int32(sum)
	}
	if len(t.Items) == 0 {
		return fulfillment.ShipmentTask{}, orchestrator.Problems{{Text: "в документе только услуги, товаров для склада нет"}}
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
