package stockcheck

import (
	"context"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/storage"
)

// alertGoods bounds the goods an alert names.
const alertGoods = 10

// alert raises when a good is unexplained in this check and in the
// warehouse's previous one (a difference that is only in flight resolves
// by the next run), and resolves when none is.
func (c *Checker) alert(ctx context.Context, chk storage.StockCheck) error {
	if c.cfg.Alerts == nil {
		return nil
	}
	key := "stockcheck:" + chk.Warehouse
	prev, err := c.previous(ctx, chk)
	if err != nil {
		return err
	}
	was := map[string]bool{}
	for _, l := range prev.Lines {
		if l.Class == storage.StockUnexplained {
			was[lineKey(l)] = true
		}
	}
	var names []string
	for _, l := range chk.Lines {
		if l.Class == storage.StockUnexplained && was[lineKey(l)] {
			names = append(names, lineName(l))
		}
	}
	if len(names) == 0 {
		c.cfg.Alerts.Resolve(ctx, key, "Сверка остатков, склад "+chk.Warehouse+": повторяющихся необъяснённых расхождений нет")
		return nil
	}
	more := ""
	if len(names) > alertGoods {
		more = fmt.Sprintf(" и ещё %d", len(names)-alertGoods)
		names = names[:alertGoods]
	}
	c.cfg.Alerts.Raise(ctx, key, fmt.Sprintf("Сверка остатков, склад %s: остатки МойСклад расходятся со складом две проверки подряд без объяснения: %s%s. Подробности: /admin/stock-check",
		chk.Warehouse, strings.Join(names, ", "), more))
	return nil
}

// previous is the warehouse's check made before chk, with its lines; a
// zero check when there is none.
func (c *Checker) previous(ctx context.Context, chk storage.StockCheck) (storage.StockCheck, error) {
	list, err := c.o.Store().StockChecks(ctx, chk.Warehouse, 10)
	if err != nil {
		return storage.StockCheck{}, err
	}
	for _, p := range list {
		if p.ID < chk.ID && p.Error == "" {
			return c.o.Store().StockCheck(ctx, p.ID)
		}
	}
	return storage.StockCheck{}, nil
}

func lineKey(l storage.StockCheckLine) string { return l.GoodID + "\x00" + l.AssortmentID }

// lineName names a good for staff: its name and warehouse good_id.
func lineName(l storage.StockCheckLine) string {
	switch {
	case l.Name != "" && l.GoodID != "":
		return "«" + l.Name + "» (" + l.GoodID + ")"
	case l.GoodID != "":
		return l.GoodID
	case l.Name != "":
		return "«" + l.Name + "»"
	}
	return "товар МойСклад " + l.AssortmentID
}
