// Package config reads skladflow's YAML configuration. Secrets come from
// ${ENV} references; unknown keys and missing required values are errors
// that name the key.
package config

import (
	"time"

	"github.com/skladflow/skladflow/cdek"
)

// Config is the whole configuration file.
type Config struct {
	// Listen is the HTTP listen address. Defaults to ":8080".
	Listen string `yaml:"listen"`
	// PublicURL is where MoySklad reaches skladflow: webhooks are registered
	// under it and writes carry it as X-Lognex-WebHook-DisableByPrefix, so
	// it must name the scheme and a full domain name, not an IP address
	// (MoySklad refuses the header otherwise, moysklad.md §2.4). Required.
	PublicURL string `yaml:"public_url"`
	// Database is the SQLite file, or a PostgreSQL URL
	// (postgres://user@host:5432/db). Defaults to "skladflow.db".
	Database string `yaml:"database"`
	// Admin guards the admin routes.
	Admin Admin `yaml:"admin"`
	// MoySklad is the accounting side.
	MoySklad MoySklad `yaml:"moysklad"`
	// Warehouses are the fulfillment warehouses. At least one is required.
	Warehouses []Warehouse `yaml:"warehouses"`
	// CDEK configures deliveries. Optional: without it there is no
	// delivery flow.
	CDEK *CDEK `yaml:"cdek"`
	// Orders configures customer orders fulfilled by the warehouse.
	// Optional: without it there is no customer-order flow.
	Orders *Orders `yaml:"orders"`
	// Statuses are MoySklad status names per role. Defaults as in Statuses.
	Statuses Statuses `yaml:"statuses"`
	// Receipt says how a warehouse receipt changes the document.
	Receipt Receipt `yaml:"receipt"`
	// Shipment configures goods shipped out of a warehouse in bulk.
	Shipment Shipment `yaml:"shipment"`
	// Stock configures corrections, long storage and the parity report.
	Stock Stock `yaml:"stock"`
	// Returns configures returns of orders taken back by the warehouse.
	Returns Returns `yaml:"returns"`
	// Queue tunes the durable job queue.
	Queue Queue `yaml:"queue"`
	// Alerts tell support when a peer fails, a document is stuck or a
	// webhook was disabled. Optional.
	Alerts Alerts `yaml:"alerts"`
}

// Alerts configures the alert target.
type Alerts struct {
	// URL receives a POST per message (for Telegram the Bot API sendMessage
	// URL, with the token from ${ENV}). Empty: alerts only go to the log.
	URL string `yaml:"url"`
	// Format is json or telegram. Defaults to "json".
	Format string `yaml:"format"`
	// TelegramChatID is the chat for the telegram format.
	TelegramChatID string `yaml:"telegram_chat_id"`
	// MinInterval is the least time between messages about one problem.
	// Defaults to 15m.
	MinInterval Duration `yaml:"min_interval"`
	// CheckInterval is how often problems are looked for. Defaults to 1m.
	CheckInterval Duration `yaml:"check_interval"`
}

// Admin holds the admin credentials.
type Admin struct {
	// User is the admin login. Defaults to "admin".
	User string `yaml:"user"`
	// Password is the admin password. Optional; without it the admin routes
	// are off.
	Password string `yaml:"password"`
	// StuckAfter marks a document stuck when it stays in a non-final state
	// longer (admin pages, metrics, alerts). Defaults to 2h.
	StuckAfter Duration `yaml:"stuck_after"`
}

// MoySklad configures the MoySklad account.
type MoySklad struct {
	// BaseURL is the JSON API root. Defaults to
	// "https://api.moysklad.ru/api/remap/1.2".
	BaseURL string `yaml:"base_url"`
	// Token is the API token. Required.
	Token string `yaml:"token"`
	// WebhookSecret is the last path segment MoySklad calls:
	// {public_url}/hooks/moysklad/{secret}. Required, at least 16 characters.
	WebhookSecret string `yaml:"webhook_secret"`
	// IntegrationUID is the MoySklad login skladflow writes as; events made
	// by it are ignored. Optional.
	IntegrationUID string `yaml:"integration_uid"`
	// ReconcileInterval is how often documents sitting in a command status
	// are looked for. Defaults to 5m.
	ReconcileInterval Duration `yaml:"reconcile_interval"`
	// RequestCost is the units of MoySklad's 45-unit-per-3-s rate-limit
	// bucket one request takes: 3 for a user token or login and password
	// since 2026-09-01, 4 from 2026-12-01, 1 for a solution token. It paces
	// until the answers' headers show the real weight. Defaults to 3.
	RequestCost int `yaml:"request_cost"`
	// MaxInFlight is how many MoySklad requests this process runs at
	// once. MoySklad allows 5 per user (20 per account): with several
	// replicas on one token, give each 5 divided by their number, rounded
	// down (their rate limit is shared through the database, their
	// parallel requests are not). Between 1 and 5. Defaults to 5.
	MaxInFlight int `yaml:"max_in_flight"`
	// BatchWindow is how long a document read or write waits for others
	// of its type, so that many go out as one list request (up to 100) or
	// one mass update (up to 100): MoySklad's rate limit counts requests,
	// not documents. A single document is delayed by it at most; 0s turns
	// batching off. Defaults to 20ms.
	BatchWindow *Duration `yaml:"batch_window"`
	// Documents are the document types watched by the inbound flow.
	// Defaults to [supply, move].
	Documents []string `yaml:"documents"`
}

// Warehouse is one fulfillment warehouse.
type Warehouse struct {
	// Name is shown to staff in the mini-log. Required.
	Name string `yaml:"name"`
	// Store is the MoySklad store (name or id) that is this warehouse.
	// Required.
	Store string `yaml:"store"`
	// SKUField is the product field goods are keyed by at the warehouse:
	// article, code or externalCode. Defaults to "article".
	SKUField string `yaml:"sku_field"`
	// VariantSKUField is the field variants (модификации) are keyed by:
	// code, externalCode, or article — the product's article followed by
	// the variant's characteristic values ("MG-1-синий"), since a variant
	// has no article of its own. Defaults to sku_field when that is code
	// or externalCode, else "code".
	VariantSKUField string `yaml:"variant_sku_field"`
	// Goods configures the warehouse's catalogue of goods.
	Goods Goods `yaml:"goods"`
	// FBox is the warehouse's WMS API.
	FBox FBox `yaml:"fbox"`
	// DefectStore is the MoySklad store (name or id) defective units the
	// warehouse keeps apart are booked at: returned defective units and
	// units a correction made defective go there. Optional: without it
	// they stay at Store, named in the document.
	DefectStore string `yaml:"defect_store"`
	// LongStorageStore is the MoySklad store (name or id) goods moved to
	// the warehouse's long storage are booked at (#goods_long_desc).
	// Optional: without it the moves are not booked and the goods stay at
	// Store.
	LongStorageStore string `yaml:"long_storage_store"`
	// CallbackSecret verifies signed pushes (Standard Webhooks, "whsec_…")
	// from the warehouse or a relay to /hooks/fulfillment/{name}. Optional;
	// without it the warehouse is only polled.
	CallbackSecret string `yaml:"callback_secret"`
}

// Goods configures how a warehouse's catalogue is kept: the cards skladflow
// registers before every task.
type Goods struct {
	// RebindBarcodes moves a barcode the warehouse has bound to another
	// good to ours instead of refusing the task. Defaults to false.
	RebindBarcodes bool `yaml:"rebind_barcodes"`
	// SizeFields name the product custom fields holding one packed unit's
	// length, width and height in millimetres (MoySklad has none of its
	// own); cards carry sizes and weight only when all four are known.
	// Defaults to none.
	SizeFields SizeFields `yaml:"size_fields"`
	// WeightUnit is the account's weight unit: kg or g. Defaults to "kg".
	WeightUnit string `yaml:"weight_unit"`
}

// SizeFields name product custom fields.
type SizeFields struct {
	Length string `yaml:"length"`
	Width  string `yaml:"width"`
	Height string `yaml:"height"`
}

// FBox configures the FBox JSON API of a warehouse.
type FBox struct {
	// BaseURL is the API root. Defaults to "https://lpw.betta.ru:8084/grh/api".
	BaseURL string `yaml:"base_url"`
	// PartnerID is the login issued by the warehouse. Required.
	PartnerID string `yaml:"partner_id"`
	// Password is the password issued by the warehouse. Required.
	Password string `yaml:"password"`
	// PollInterval is how often the outgoing document feed is read.
	// Defaults to 1m.
	PollInterval Duration `yaml:"poll_interval"`
	// SharedReading is FBox's shared reading (#outdoc_share_desc), for an
	// account whose outgoing documents another system of the shop also
	// reads: skladflow then never locks them (locks would fight) and reads
	// them by creation time; a correction shows as a deleted document.
	// Defaults to false.
	SharedReading bool `yaml:"shared_reading"`
	// SharedLag is how far behind now a shared read stops: the warehouse
	// lists a document only once written, up to 5 minutes after its
	// creation time. Defaults to 5m.
	SharedLag Duration `yaml:"shared_lag"`
	// QuotaShare is the part of the account's FBox request quotas (GET
	// /settings rate_limits.req_qnt, a day's and a minute's) skladflow
	// spends at most, so the account's other systems keep the rest; with
	// several replicas each spends this much. Between 0 and 1. Defaults
	// to 0.8.
	QuotaShare float64 `yaml:"quota_share"`
}

// CDEK configures deliveries: a demand or customer order set to the
// cdek_submit status becomes a CDEK order (e-shop type, so it can be looked
// up by our number and is never created twice).
type CDEK struct {
	// BaseURL is the API root. Defaults to "https://api.cdek.ru/v2".
	BaseURL string `yaml:"base_url"`
	// ClientID is the integration account. Required.
	ClientID string `yaml:"client_id"`
	// ClientSecret is the integration password. Required.
	ClientSecret string `yaml:"client_secret"`
	// WebhookSecret is the last path segment CDEK calls:
	// {public_url}/hooks/cdek/{secret}. Required, at least 16 characters.
	WebhookSecret string `yaml:"webhook_secret"`
	// PollInterval is how often orders on their way are read, because CDEK
	// never resends a push. Defaults to 10m.
	PollInterval Duration `yaml:"poll_interval"`
	// CheckAfter is how long to wait before reading a new order back: CDEK
	// validates it asynchronously. Defaults to 3s.
	CheckAfter Duration `yaml:"check_after"`
	// Documents are the document types handed to CDEK. Defaults to
	// [demand, customerorder].
	Documents []string `yaml:"documents"`
	// TariffCode is the CDEK tariff (e.g. 136 склад-склад, 137 склад-дверь).
	// It must be one for e-shop orders. Required.
	TariffCode int `yaml:"tariff_code"`
	// TariffMode is where the tariff takes parcels from and brings them to:
	// door-door, door-office, office-door, office-office, door-locker or
	// office-locker. Defaults to the mode in Tariffs; required for a tariff
	// not listed there.
	TariffMode string `yaml:"tariff_mode"`
	// ShipmentPoint is the CDEK office the parcels are handed in at:
	// required for tariffs from an office, refused for tariffs from the door.
	ShipmentPoint string `yaml:"shipment_point"`
	// FromLocation is the sender's address: required for tariffs from the
	// door (a courier picks up), refused for tariffs from an office.
	FromLocation *Location `yaml:"from_location"`
	// PickupPointAttribute is the name of a document custom field (text)
	// where staff write the CDEK pickup point or parcel locker code, for
	// tariffs to an office or locker. setup creates it for such tariffs.
	// Defaults to "Пункт выдачи СДЭК".
	PickupPointAttribute string `yaml:"pickup_point_attribute"`
	// Sender is the sender's contact. Optional for e-shop orders; its phone
	// in international format (+7 and 10 digits for Russia).
	Sender *Contact `yaml:"sender"`
	// Package holds the parcel defaults.
	Package Package `yaml:"package"`
	// WeightUnit is the unit of product weights in MoySklad: kg or g.
	// Defaults to "kg".
	WeightUnit string `yaml:"weight_unit"`
	// NumberAttribute is the name of a document custom field (text) that
	// gets the CDEK number. Optional; setup creates it.
	NumberAttribute string `yaml:"number_attribute"`
	// Statuses maps CDEK status codes to MoySklad statuses. Entries are
	// added to the defaults (see DefaultCDEKStatuses); an empty name drops
	// a default.
	Statuses map[string]string `yaml:"statuses"`
}

// Location is a CDEK address.
type Location struct {
	// Code is the CDEK city code (44 = Москва). Optional.
	Code int `yaml:"code"`
	// City is the city name. Optional.
	City string `yaml:"city"`
	// Address is the street address. Required.
	Address string `yaml:"address"`
}

// Contact is a CDEK contact.
type Contact struct {
	Company string `yaml:"company"`
	Name    string `yaml:"name"`
	Phone   string `yaml:"phone"`
}

// Package is the parcel: one per order.
type Package struct {
	// Weight is the weight in grams of one unit whose product has no
	// weight in MoySklad. Defaults to 500.
	Weight int `yaml:"weight"`
	// Length, Width and Height are the parcel's size in cm (MoySklad keeps
	// no product dimensions). Default to 20, 15, 10.
	Length int `yaml:"length"`
	Width  int `yaml:"width"`
	Height int `yaml:"height"`
}

// DefaultCDEKStatuses is the default map from CDEK status codes to MoySklad
// statuses: accepted by CDEK, in transit, delivered, not delivered and on
// its way back. Codes not in the map change no status (the timeline still
// shows them).
func DefaultCDEKStatuses() map[string]string {
	const accepted, transit, delivered, notDelivered, returning = "Принят СДЭК", "В пути (СДЭК)", "Доставлен", "Не доставлен", "Возврат (СДЭК)"
	m := map[string]string{
		cdek.StatusReceivedAtShipmentWarehouse: accepted,
		cdek.StatusDelivered:                   delivered,
		cdek.StatusPostomatReceived:            delivered,
		cdek.StatusNotDelivered:                notDelivered,
	}
	for _, c := range []string{
		cdek.StatusReadyToShipAtSendingOffice, cdek.StatusReadyForShipmentInSenderCity, cdek.StatusTakenByTransporterFromSenderCity,
		cdek.StatusPassedToCarrierAtSendingOffice, cdek.StatusSentToTransitCity, cdek.StatusSendToTransitOffice,
		cdek.StatusAcceptedInTransitCity, cdek.StatusMetAtTransitOffice, cdek.StatusAcceptedAtTransitWarehouse,
		cdek.StatusAcceptedToOfficeTransitWarehouse, cdek.StatusSentToRecipientCity, cdek.StatusSendToRecipientOffice,
		cdek.StatusAcceptedInRecipientCity, cdek.StatusMetAtRecipientOffice, cdek.StatusAcceptedAtRecipientCityWarehouse,
		cdek.StatusAcceptedAtDeliveryWarehouse, cdek.StatusAcceptedAtPickUpPoint, cdek.StatusAcceptedAtWarehouseOnDemand,
		cdek.StatusTakenByCourier, cdek.StatusIssuedForDelivery, cdek.StatusPostomatPosted,
	} {
		m[c] = transit
	}
	for _, c := range []string{cdek.StatusSentToSenderCity, cdek.StatusSendToSendingOffice, cdek.StatusAcceptedInSenderCity, cdek.StatusMetAtSendingOffice, cdek.StatusPostomatSeized} {
		m[c] = returning
	}
	return m
}

// Statuses are the MoySklad status names per role.
type Statuses struct {
	// Submit is the command to hand a document to the warehouse. Defaults to "Передать".
	Submit string `yaml:"submit"`
	// Submitted is set when the warehouse accepted the task. Defaults to "Передан".
	Submitted string `yaml:"submitted"`
	// SubmitFailed is set when it did not. Defaults to "Ошибка передачи".
	SubmitFailed string `yaml:"submit_failed"`
	// Receiving is set while partial receipts arrive. Defaults to "Принимается".
	Receiving string `yaml:"receiving"`
	// Received is set when the receipt was applied and posted. Defaults to "Проведён".
	Received string `yaml:"received"`
	// ReceiveFailed is set when a receipt cannot be applied. Defaults to "Ошибка приёмки".
	ReceiveFailed string `yaml:"receive_failed"`
	// NotArrived is set when the warehouse closed the task with nothing
	// received. Defaults to "Не поступил".
	NotArrived string `yaml:"not_arrived"`
	// Cancel is the command to cancel a task. Defaults to "Отменить".
	Cancel string `yaml:"cancel"`
	// Cancelled is set when the task was deleted. Defaults to "Отменён".
	Cancelled string `yaml:"cancelled"`
	// CancelFailed is set when it could not be. Defaults to "Ошибка отмены".
	CancelFailed string `yaml:"cancel_failed"`
	// CDEKSubmit is the command to hand a shipment to CDEK. Defaults to "Передать в СДЭК".
	CDEKSubmit string `yaml:"cdek_submit"`
	// CDEKSubmitted is set when CDEK accepted the order. Defaults to "Передан в СДЭК".
	CDEKSubmitted string `yaml:"cdek_submitted"`
	// CDEKFailed is set when CDEK refused it. Defaults to "Ошибка СДЭК".
	CDEKFailed string `yaml:"cdek_failed"`
	// OrderSubmit is the command to hand a customer order to the warehouse.
	// Defaults to "Передать на склад".
	OrderSubmit string `yaml:"order_submit"`
	// OrderSubmitted is set when the warehouse accepted the order. Defaults
	// to "Передан на склад".
	OrderSubmitted string `yaml:"order_submitted"`
	// Picking is set when the warehouse started picking the order or the
	// shipment. Defaults to "Собирается".
	Picking string `yaml:"picking"`
	// Deficit is set when the warehouse lacks goods for the order. Defaults
	// to "Нет товара".
	Deficit string `yaml:"deficit"`
	// Shipped is set when the order left the warehouse whole, or a
	// shipment left it and its document was posted with the shipped
	// quantities. Defaults to "Отгружен".
	Shipped string `yaml:"shipped"`
	// ShippedPartly is set when it left short. Defaults to "Отгружен
	// частично".
	ShippedPartly string `yaml:"shipped_partly"`
	// Cancelling is set while the warehouse cancels an order it is
	// picking. Defaults to "Отменяется".
	Cancelling string `yaml:"cancelling"`
	// Picked is set when the warehouse has picked and boxed a shipment.
	// Defaults to "Собран".
	Picked string `yaml:"picked"`
	// ShipFailed is set when a shipment cannot be written to MoySklad.
	// Defaults to "Ошибка отгрузки".
	ShipFailed string `yaml:"ship_failed"`
	// Returned is set on an order and its demand when everything shipped
	// came back. Defaults to "Возврат".
	Returned string `yaml:"returned"`
	// ReturnedPartly is set when part of it came back. Defaults to
	// "Частичный возврат".
	ReturnedPartly string `yaml:"returned_partly"`
}

// Receipt policies.
const (
	// MissingRemove removes a line that did not arrive at all; the
	// mini-log names it. It is the only policy: MoySklad refuses a line
	// with quantity 0 (spec supplyPosition.yaml: quantity exclusiveMinimum
	// 0), so the former "zero" is refused at load with a message saying so.
	MissingRemove = "remove"
	// DefectiveAccept counts defective units into the quantity (they are
	// physically in the warehouse, as separate stock) and names them in the
	// mini-log.
	DefectiveAccept = "accept"
	// DefectiveExclude counts only good units; defective ones are only named
	// in the mini-log.
	DefectiveExclude = "exclude"
)

// Receipt configures how a receipt adjusts the document.
type Receipt struct {
	// Missing is what happens to a line that did not arrive: remove (the
	// only value MoySklad allows; "zero" is refused). Defaults to "remove".
	Missing string `yaml:"missing"`
	// Defective is the policy for defective units: accept or exclude.
	// Defaults to "accept".
	Defective string `yaml:"defective"`
}

// Queue tunes the durable job queue.
type Queue struct {
	// Workers is how many jobs run at once. Defaults to 16.
	Workers int `yaml:"workers"`
	// RetryHorizon is how long a failing document is retried before it gets
	// its error status. Defaults to 1h.
	RetryHorizon Duration `yaml:"retry_horizon"`
	// IngestQueue is how many webhook deliveries may wait for the one
	// database writer; beyond it they are answered 503 at once (MoySklad
	// resends). Defaults to 4096.
	IngestQueue int `yaml:"ingest_queue"`
	// IngestWindow is how long the writer waits for more deliveries before
	// it commits them together. Defaults to 0: a batch is what arrived while
	// the previous one was committed.
	IngestWindow Duration `yaml:"ingest_window"`
}

// Duration is a time.Duration written as "5m", "90s".
type Duration struct{ time.Duration }

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// DefaultBatchWindow is moysklad.batch_window when unset: long enough for
// the jobs of a bulk status change to meet, short beside a handover's
// other calls.
const DefaultBatchWindow = 20 * time.Millisecond
