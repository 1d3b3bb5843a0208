package config

import (
	"fmt"
	"slices"
)

// Document types a shipment may be made from.
var shipmentTypes = []string{"demand", "purchasereturn", "move"}

// Shipment configures the flow that ships goods out of a warehouse in bulk
// (a goods_shipment_task): a document whose source store is a warehouse
// store, set to the submit status.
type Shipment struct {
	// Documents are the document types shipped from a warehouse store:
	// demand (отгрузка), purchasereturn (возврат поставщику), move
	// (перемещение with its source store at the warehouse). Defaults to
	// [demand, purchasereturn, move].
	Documents []string `yaml:"documents"`
	// DefectiveReturns ships purchase returns from the warehouse's
	// defective stock (goods_shipment_task qual_type defective) instead of
	// its good stock. Defaults to false.
	DefectiveReturns bool `yaml:"defective_returns"`
}

func (s *Shipment) setDefaults() {
	if len(s.Documents) == 0 {
		s.Documents = slices.Clone(shipmentTypes)
	}
}

func (s *Shipment) validate() []error {
	var errs []error
	for i, d := range s.Documents {
		if !slices.Contains(shipmentTypes, d) {
			errs = append(errs, fmt.Errorf("config: shipment.documents[%d]: %q is not a shipment document type (demand, purchasereturn, move)", i, d))
		}
	}
	return errs
}
