package moyskladtest

import "fmt"

// A customer order and its demands (spec customerOrder.yaml: demands,
// shippedSum, reservedSum; customerOrderPosition.yaml: reserve, shipped;
// demand.yaml: customerOrder). The link is kept once, on the demand: the
// order's demands, its lines' shipped and its sums are computed when it is
// read, so deleting or un-posting a demand needs no bookkeeping.

// linkedDemands are the ids of the demands that name the order, in the
// order they were made. It runs under s.mu.
func (s *Server) linkedDemands(orderID string) []string {
	var out []string
	for _, id := range s.order["demand"] {
		if d, ok := s.entities["demand"][id]; ok && refID(d["customerOrder"]) == orderID {
			out = append(out, id)
		}
	}
	return out
}

// shipped is how many units of each order line the posted demands shipped.
// A demand line names an item, not an order line, so the units of an item
// fill the order's lines of that item in turn, each up to its quantity;
// what is left goes to the last of them. It runs under s.mu.
func (s *Server) shipped(orderID string) map[string]float64 {
	byItem := map[string]float64{}
	for _, id := range s.linkedDemands(orderID) {
		if posted, _ := s.entities["demand"][id]["applicable"].(bool); !posted {
			continue
		}
		for _, row := range s.positions["demand/"+id] {
			q, _ := row["quantity"].(float64)
			byItem[refID(row["assortment"])] += q
		}
	}
	out := map[string]float64{}
	last := map[string]string{}
	for _, row := range s.positions["customerorder/"+orderID] {
		item, rowID := refID(row["assortment"]), row["id"].(string)
		q, _ := row["quantity"].(float64)
		take := min(q, byItem[item])
		out[rowID] = take
		byItem[item] -= take
		last[item] = rowID
	}
	for item, rowID := range last {
		out[rowID] += byItem[item]
	}
	return out
}

// netPrice is a line's unit price after its discount, in kopecks.
func netPrice(row object) float64 {
	price, _ := row["price"].(float64)
	discount, _ := row["discount"].(float64)
	return price * (1 - discount/100)
}

// renderSums sets what MoySklad computes from the lines: sum on every
// document; on a customer order also its demands, shippedSum and
// reservedSum. rows are the stored lines, rendered the rendered ones (with
// shipped set on an order's). It runs under s.mu.
func (s *Server) renderSums(typ, id string, out object, rows []object) {
	sum := 0.0
	for _, row := range rows {
		q, _ := row["quantity"].(float64)
		sum += q * netPrice(row)
	}
	out["sum"] = sum
	if typ != "customerorder" {
		return
	}
	var demands []any
	for _, d := range s.linkedDemands(id) {
		demands = append(demands, object{"meta": s.meta("demand", d)})
	}
	if demands != nil {
		out["demands"] = demands
	} else {
		delete(out, "demands")
	}
	shipped := s.shipped(id)
	shippedSum, reservedSum := 0.0, 0.0
	for _, row := range rows {
		reserve, _ := row["reserve"].(float64)
		shippedSum += shipped[row["id"].(string)] * netPrice(row)
		reservedSum += reserve * netPrice(row)
	}
	out["shippedSum"], out["reservedSum"] = shippedSum, reservedSum
}

// withShipped returns an order's line with shipped set, any other line as
// it is. It runs under s.mu.
func withShipped(row object, shipped map[string]float64) object {
	if shipped == nil {
		return row
	}
	row["shipped"] = shipped[row["id"].(string)]
	return row
}

// shippedFor is shipped for a customer order, nil for other types.
func (s *Server) shippedFor(typ, id string) map[string]float64 {
	if typ != "customerorder" {
		return nil
	}
	return s.shipped(id)
}

// staffLinks sets the links of a document staff create: the customer
// order a demand or move ships, the sales channel of an order or demand.
// It runs under s.mu.
func (s *Server) staffLinks(typ string, e object, spec DocumentSpec) error {
	if spec.CustomerOrder != "" {
		if typ != "demand" && typ != "move" {
			return fmt.Errorf("moyskladtest: a %s has no customerOrder", typ)
		}
		if _, ok := s.entities["customerorder"][spec.CustomerOrder]; !ok {
			return fmt.Errorf("moyskladtest: no customer order %s", spec.CustomerOrder)
		}
		e["customerOrder"] = object{"meta": s.meta("customerorder", spec.CustomerOrder)}
	}
	if spec.SalesChannel != "" {
		if _, ok := s.entities["saleschannel"][spec.SalesChannel]; !ok {
			return fmt.Errorf("moyskladtest: no sales channel %s", spec.SalesChannel)
		}
		e["salesChannel"] = object{"meta": s.meta("saleschannel", spec.SalesChannel)}
	}
	return nil
}
