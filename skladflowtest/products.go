package skladflowtest

import "github.com/skladflow/skladflow/moysklad/moyskladtest"

// Names of what New makes: the warehouse, its MoySklad store, and a store
// that is no warehouse.
const (
	Warehouse  = "БетаПРО"
	StoreName  = "Склад БетаПРО"
	OtherStore = "Основной склад"
	// SecondWarehouse and SecondStoreName are the second warehouse's
	// (Options.SecondWarehouse).
	SecondWarehouse = "Второй склад"
	SecondStoreName = "Склад Второй"
	// DefectStoreName and LongStorageStoreName are the warehouse's stores
	// for defective units and long storage (Options.DefectStore,
	// Options.LongStorageStore).
	DefectStoreName      = "Склад БетаПРО: брак"
	LongStorageStoreName = "Склад БетаПРО: длительное хранение"
)

// DefaultProducts are the usual goods, in this order: a kettle and a mug
// with barcodes, two thermoses, and a spoon with a code but no article
// (the default SKU field).
func DefaultProducts() []moyskladtest.ProductSpec {
	return []moyskladtest.ProductSpec{
		{Name: "Чайник", Article: "KT-1700", Barcodes: []string{"4601234567890"}},
		{Name: "Кружка", Article: "MG-350", Barcodes: []string{"4601234567906"}},
		{Name: "Термос 0,5 л", Article: "TH-500"},
		{Name: "Термос 0,75 л", Article: "TH-750"},
		{Name: "Ложка", Code: "00017"},
	}
}
