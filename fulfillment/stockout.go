package fulfillment

// Outdoc types the warehouse issues on its own that change stock
// (#doc_stocker_desc): returns of orders, inventory corrections and moves
// to and from long storage. With goods_supply, goods_shipment and
// orders_shipment they are the nine documents whose sum is the stock.
const (
	OutdocOrdersFullReturn   = "orders_full_return"      // schema orders_full_return
	OutdocOrdersPartReturn   = "orders_part_return"      // schema orders_part_return
	OutdocOrdersClientReturn = "orders_client_return"    // schema orders_client_return
	OutdocCorrection         = "goods_correction"        // schema goods_correction, #goods_corr_desc
	OutdocToLongStorage      = "goods_to_long_storage"   // schema goods_to_long_storage, #goods_long_desc
	OutdocFromLongStorage    = "goods_from_long_storage" // schema goods_from_long_storage, #goods_long_desc
)

// StockOutdocTypes are the nine outdoc types that change stock
// (#doc_stocker_desc).
var StockOutdocTypes = []string{OutdocSupply, OutdocShipment, OutdocOrdersShipment,
	OutdocOrdersFullReturn, OutdocOrdersPartReturn, OutdocOrdersClientReturn,
	OutdocCorrection, OutdocToLongStorage, OutdocFromLongStorage}

// OrdersReturn is a return of orders: «Полный возврат заказов»
// (orders_full_return: the delivery service brought the sealed parcel
// back; units missing from it go to quarantine, the warehouse's
// liability), «Частичный возврат заказов» (orders_part_return: the same
// order may come back in several documents on different days, fbox.md
// §6.3) or «Клиентский возврат заказов» (orders_client_return: a buyer
// sent goods back; order_id only when the warehouse could tell).
type OrdersReturn struct {
	OutdocType string          `json:"outdoc_type"`
	Common     OutdocCommon    `json:"common"`
	Orders     []ReturnedOrder `json:"orders"`
}

// ReturnedOrder is one order (or client parcel) that came back.
// orders_full_return gives RetReason; orders_client_return gives
// ReturnBarcode (required there) and ParcelBarcode.
type ReturnedOrder struct {
	OrderID          string         `json:"order_id,omitempty"`
	RetReason        int32          `json:"ret_reason,omitempty"`
	RetReasonDescrip string         `json:"ret_reason_descrip,omitempty"`
	ReturnBarcode    string         `json:"return_barcode,omitempty"`
	ParcelBarcode    string         `json:"parcel_barcode,omitempty"`
	Goods            []ReturnedGood `json:"goods"`
}

// ReturnedGood is what came back of one good in one quality: StockQnt
// units taken into stock; QuarantineQnt (full returns only) units shipped
// in the order but missing from the returned parcel, put in quarantine.
type ReturnedGood struct {
	GoodID        string `json:"good_id"`
	QualType      string `json:"qual_type"`
	ExpiryDate    *Date  `json:"expiry_date,omitempty"`
	GoodSN        string `json:"good_sn,omitempty"`
	GoodSN0       string `json:"good_sn0,omitempty"`
	StockQnt      int32  `json:"stock_qnt"`
	QuarantineQnt int32  `json:"quarantine_qnt,omitempty"`
}

// Correction types (schema goods_correction, correction_type).
const (
	CorrectionManual          = "manual"           // not found → quarantine, or found back
	CorrectionSurplus         = "surplus"          // quarantine → stock after a full inventory
	CorrectionUsefulDefective = "useful_defective" // quality changed
	CorrectionRegrade         = "regrade"          // пересорт: one good_id for another
	CorrectionExpiration      = "expiration"       // rejected for expiry
	CorrectionQuarantineReset = "quarantine_reset" // full inventory: quarantine written to zero
)

// GoodsCorrection is «Инвентаризация-коррекция» (#goods_corr_desc).
type GoodsCorrection struct {
	OutdocType            string           `json:"outdoc_type"`
	Common                OutdocCommon     `json:"common"`
	CorrectionType        string           `json:"correction_type"`
	CorrectionTypeDescrip string           `json:"correction_type_descrip"`
	Goods                 []CorrectionGood `json:"goods"`
}

// CorrectionGood is one corrected line: StockQnt negative is a shortage,
// positive a surplus; QuarantineQnt is what went into (positive) or out of
// (negative) quarantine.
type CorrectionGood struct {
	GoodID        string `json:"good_id"`
	QualType      string `json:"qual_type"`
	StockQnt      int32  `json:"stock_qnt"`
	QuarantineQnt int32  `json:"quarantine_qnt"`
}

// LongStorageMove is «Товары перемещены на склад длительного хранения»
// (goods_to_long_storage, with FBOMode) or «Возврат товаров со склада
// длительного хранения» (goods_from_long_storage): whole boxes moved
// (#goods_long_desc).
type LongStorageMove struct {
	OutdocType string           `json:"outdoc_type"`
	Common     OutdocCommon     `json:"common"`
	FBOMode    int32            `json:"fbo_mode,omitempty"`
	Boxes      []LongStorageBox `json:"boxes"`
}

// LongStorageBox is a box moved whole with its goods.
type LongStorageBox struct {
	BoxID int32             `json:"box_id"`
	Goods []LongStorageGood `json:"goods"`
}

// LongStorageGood is a good's units in a box.
type LongStorageGood struct {
	GoodID   string `json:"good_id"`
	QualType string `json:"qual_type"`
	Qnt      int32  `json:"qnt"`
}

// ParseOrdersReturn reads any of the three return bodies; want is its
// outdoc type.
func ParseOrdersReturn(b []byte, want string) (*OrdersReturn, error) {
	var d OrdersReturn
	return &d, parseOutdoc(b, &d, &d.OutdocType, want)
}

// ParseGoodsCorrection reads a goods_correction body.
func ParseGoodsCorrection(b []byte) (*GoodsCorrection, error) {
	var d GoodsCorrection
	return &d, parseOutdoc(b, &d, &d.OutdocType, OutdocCorrection)
}

// ParseLongStorageMove reads a goods_to_long_storage or
// goods_from_long_storage body; want is its outdoc type.
func ParseLongStorageMove(b []byte, want string) (*LongStorageMove, error) {
	var d LongStorageMove
	return &d, parseOutdoc(b, &d, &d.OutdocType, want)
}
