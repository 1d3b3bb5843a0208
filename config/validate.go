package config

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/stdwebhooks"
	"github.com/skladflow/skladflow/storage"
)

// intlPhone is a phone in international format: +7 and 10 digits for
// Russia, a plus and the country code otherwise, at most 24 characters.
var intlPhone = regexp.MustCompile(`^\+(7[0-9]{10}|[1-689][0-9]{6,14})$`)

// SetDefaults fills every field left empty with its documented default.
func (c *Config) SetDefaults() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	defDur := func(d *Duration, v time.Duration) {
		if d.Duration == 0 {
			d.Duration = v
		}
	}
	def(&c.Listen, ":8080")
	def(&c.Database, "skladflow.db")
	def(&c.Admin.User, "admin")
	defDur(&c.Admin.StuckAfter, 2*time.Hour)
	def(&c.MoySklad.BaseURL, moysklad.DefaultBaseURL)
	defDur(&c.MoySklad.ReconcileInterval, 5*time.Minute)
	if c.MoySklad.BatchWindow == nil {
		c.MoySklad.BatchWindow = &Duration{Duration: DefaultBatchWindow}
	}
	if c.MoySklad.RequestCost == 0 {
		c.MoySklad.RequestCost = moysklad.DefaultRequestCost
	}
	if c.MoySklad.MaxInFlight == 0 {
		c.MoySklad.MaxInFlight = moysklad.DefaultMaxInFlight
	}
	if len(c.MoySklad.Documents) == 0 {
		c.MoySklad.Documents = []string{"supply", "move"}
	}
	for i := range c.Warehouses {
		w := &c.Warehouses[i]
		def(&w.SKUField, "article")
		if w.SKUField == "code" || w.SKUField == "externalCode" {
			def(&w.VariantSKUField, w.SKUField)
		}
		def(&w.VariantSKUField, "code")
		def(&w.Goods.WeightUnit, "kg")
		def(&w.FBox.BaseURL, fulfillment.DefaultBaseURL)
		defDur(&w.FBox.PollInterval, time.Minute)
		defDur(&w.FBox.SharedLag, 5*time.Minute)
		if w.FBox.QuotaShare == 0 {
			w.FBox.QuotaShare = 0.8
		}
	}
	if k := c.CDEK; k != nil {
		def(&k.BaseURL, cdek.DefaultBaseURL)
		defDur(&k.PollInterval, 10*time.Minute)
		defDur(&k.CheckAfter, 3*time.Second)
		if len(k.Documents) == 0 {
			k.Documents = []string{"demand", "customerorder"}
		}
		def(&k.WeightUnit, "kg")
		def(&k.PickupPointAttribute, "Пункт выдачи СДЭК")
		if t, ok := Tariffs[k.TariffCode]; ok {
			def(&k.TariffMode, t.Mode)
		}
		if k.Package.Weight == 0 {
			k.Package.Weight = 500
		}
		if k.Package.Length == 0 && k.Package.Width == 0 && k.Package.Height == 0 {
			k.Package.Length, k.Package.Width, k.Package.Height = 20, 15, 10
		}
		m := DefaultCDEKStatuses()
		for code, name := range k.Statuses {
			if name == "" {
				delete(m, code)
				continue
			}
			m[code] = name
		}
		k.Statuses = m
	}
	s := &c.Statuses
	def(&s.Submit, "Передать")
	def(&s.Submitted, "Передан")
	def(&s.SubmitFailed, "Ошибка передачи")
	def(&s.Receiving, "Принимается")
	def(&s.Received, "Проведён")
	def(&s.ReceiveFailed, "Ошибка приёмки")
	def(&s.NotArrived, "Не поступил")
	def(&s.Cancel, "Отменить")
	def(&s.Cancelled, "Отменён")
	def(&s.CancelFailed, "Ошибка отмены")
	def(&s.CDEKSubmit, "Передать в СДЭК")
	def(&s.CDEKSubmitted, "Передан в СДЭК")
	def(&s.CDEKFailed, "Ошибка СДЭК")
	def(&s.OrderSubmit, "Передать на склад")
	def(&s.OrderSubmitted, "Передан на склад")
	def(&s.Picking, "Собирается")
	def(&s.Deficit, "Нет товара")
	def(&s.Shipped, "Отгружен")
	def(&s.ShippedPartly, "Отгружен частично")
	def(&s.Cancelling, "Отменяется")
	c.Orders.setDefaults()
	def(&s.Picked, "Собран")
	def(&s.ShipFailed, "Ошибка отгрузки")
	c.Shipment.setDefaults()
	def(&s.Returned, "Возврат")
	def(&s.ReturnedPartly, "Частичный возврат")
	c.Stock.setDefaults()
	def(&c.Receipt.Missing, MissingRemove)
	def(&c.Receipt.Defective, DefectiveAccept)
	def(&c.Alerts.Format, "json")
	defDur(&c.Alerts.MinInterval, 15*time.Minute)
	defDur(&c.Alerts.CheckInterval, time.Minute)
	if c.Queue.Workers == 0 {
		c.Queue.Workers = storage.DefaultMaxWorkers
	}
	defDur(&c.Queue.RetryHorizon, time.Hour)
	if c.Queue.IngestQueue == 0 {
		c.Queue.IngestQueue = 4096
	}
}

// Validate checks the configuration; every problem names its key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: "+format, append([]any{key}, args...)...))
	}
	required := func(key, v string) {
		if strings.TrimSpace(v) == "" {
			bad(key, "required")
		}
	}
	checkURL := func(key, v string) {
		if v == "" {
			return
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad(key, "must be an http(s) URL with a host, got %q", v)
		}
	}
	required("public_url", c.PublicURL)
	checkURL("public_url", c.PublicURL)
	if u, err := url.Parse(c.PublicURL); err == nil && u.Host != "" {
		if err := moysklad.CheckWebhookPrefix(c.PublicURL); err != nil {
			bad("public_url", "%v", err)
		}
	}
	checkURL("moysklad.base_url", c.MoySklad.BaseURL)
	required("moysklad.token", c.MoySklad.Token)
	if n := c.MoySklad.RequestCost; n < 1 || n > 45 {
		bad("moysklad.request_cost", "must be between 1 and 45 units, got %d", n)
	}
	if n := c.MoySklad.MaxInFlight; n < 1 || n > moysklad.DefaultMaxInFlight {
		bad("moysklad.max_in_flight", "must be between 1 and %d (MoySklad's parallel requests per user), got %d", moysklad.DefaultMaxInFlight, n)
	}
	if w := c.MoySklad.BatchWindow; w != nil && (w.Duration < 0 || w.Duration > time.Second) {
		bad("moysklad.batch_window", "must be between 0s (off) and 1s, got %s", w)
	}
	required("moysklad.webhook_secret", c.MoySklad.WebhookSecret)
	if s := c.MoySklad.WebhookSecret; s != "" && len(s) < 16 {
		bad("moysklad.webhook_secret", "must be at least 16 characters")
	}
	for i, d := range c.MoySklad.Documents {
		if d != "supply" && d != "move" {
			bad(fmt.Sprintf("moysklad.documents[%d]", i), "%q is not an inbound document type (supply, move)", d)
		}
	}
	if len(c.Warehouses) == 0 {
		bad("warehouses", "at least one warehouse is required")
	}
	names := map[string]bool{}
	for i, w := range c.Warehouses {
		k := fmt.Sprintf("warehouses[%d]", i)
		required(k+".name", w.Name)
		if names[w.Name] {
			bad(k+".name", "duplicate warehouse %q", w.Name)
		}
		names[w.Name] = true
		required(k+".store", w.Store)
		if !slices.Contains([]string{"article", "code", "externalCode"}, w.SKUField) {
			bad(k+".sku_field", "must be article, code or externalCode, got %q", w.SKUField)
		}
		if !slices.Contains([]string{"code", "externalCode", "article"}, w.VariantSKUField) {
			bad(k+".variant_sku_field", "must be code, externalCode or article (the product's article and the characteristics), got %q", w.VariantSKUField)
		}
		if w.Goods.WeightUnit != "kg" && w.Goods.WeightUnit != "g" {
			bad(k+".goods.weight_unit", "must be kg or g, got %q", w.Goods.WeightUnit)
		}
		if sf := w.Goods.SizeFields; (sf.Length == "") != (sf.Width == "") || (sf.Width == "") != (sf.Height == "") {
			bad(k+".goods.size_fields", "name all three fields (length, width, height) or none")
		}
		checkURL(k+".fbox.base_url", w.FBox.BaseURL)
		required(k+".fbox.partner_id", w.FBox.PartnerID)
		required(k+".fbox.password", w.FBox.Password)
		if w.CallbackSecret != "" {
			if _, err := stdwebhooks.Key(w.CallbackSecret); err != nil {
				bad(k+".callback_secret", "must be whsec_ followed by base64 of at least 24 bytes")
			}
		}
		if w.FBox.PollInterval.Duration < time.Second {
			bad(k+".fbox.poll_interval", "must be at least 1s")
		}
		if w.FBox.QuotaShare <= 0 || w.FBox.QuotaShare > 1 {
			bad(k+".fbox.quota_share", "must be above 0 and at most 1, got %v", w.FBox.QuotaShare)
		}
	}
	switch c.Receipt.Missing {
	case MissingRemove:
	case "zero":
		bad("receipt.missing", "zero is no longer supported: MoySklad refuses a position with quantity 0; "+
			"use remove (the mini-log names every removed line)")
	default:
		bad("receipt.missing", "must be remove, got %q", c.Receipt.Missing)
	}
	if !slices.Contains([]string{DefectiveAccept, DefectiveExclude}, c.Receipt.Defective) {
		bad("receipt.defective", "must be accept or exclude, got %q", c.Receipt.Defective)
	}
	if k := c.CDEK; k != nil {
		checkURL("cdek.base_url", k.BaseURL)
		required("cdek.client_id", k.ClientID)
		required("cdek.client_secret", k.ClientSecret)
		required("cdek.webhook_secret", k.WebhookSecret)
		if s := k.WebhookSecret; s != "" && len(s) < 16 {
			bad("cdek.webhook_secret", "must be at least 16 characters")
		}
		if k.TariffCode <= 0 {
			bad("cdek.tariff_code", "required: the CDEK tariff, e.g. 137")
		}
		if (k.ShipmentPoint == "") == (k.FromLocation == nil) {
			bad("cdek.shipment_point", "give exactly one of shipment_point and from_location")
		}
		errs = append(errs, k.validateTariff()...)
		if k.FromLocation != nil {
			required("cdek.from_location.address", k.FromLocation.Address)
		}
		if s := k.Sender; s != nil && s.Phone != "" && !intlPhone.MatchString(s.Phone) {
			// CDEK takes phones in international format (cdek.md §3.1, §3.2).
			bad("cdek.sender.phone", "must be in international format, e.g. +74950000000, got %q", s.Phone)
		}
		for i, d := range k.Documents {
			if d != "demand" && d != "customerorder" {
				bad(fmt.Sprintf("cdek.documents[%d]", i), "%q is not a shipment document type (demand, customerorder)", d)
			}
		}
		if !slices.Contains([]string{"kg", "g"}, k.WeightUnit) {
			bad("cdek.weight_unit", "must be kg or g, got %q", k.WeightUnit)
		}
		p := k.Package
		if p.Weight < 1 || p.Length < 1 || p.Width < 1 || p.Height < 1 {
			bad("cdek.package", "weight, length, width and height must be positive")
		}
		if k.PollInterval.Duration < time.Second {
			bad("cdek.poll_interval", "must be at least 1s")
		}
	}
	errs = append(errs, c.Orders.validate()...)
	errs = append(errs, c.Shipment.validate()...)
	errs = append(errs, c.Stock.validate()...)
	for i, w := range c.Warehouses {
		if w.DefectStore != "" && c.Receipt.Defective != DefectiveAccept {
			bad(fmt.Sprintf("warehouses[%d].defect_store", i), "books defective units, so it needs receipt.defective: accept")
		}
	}
	checkURL("alerts.url", c.Alerts.URL)
	if !slices.Contains([]string{"json", "telegram"}, c.Alerts.Format) {
		bad("alerts.format", "must be json or telegram, got %q", c.Alerts.Format)
	}
	if c.Alerts.Format == "telegram" && c.Alerts.URL != "" && c.Alerts.TelegramChatID == "" {
		bad("alerts.telegram_chat_id", "required with the telegram format")
	}
	if c.Queue.Workers < 1 {
		bad("queue.workers", "must be at least 1")
	}
	if c.Queue.IngestQueue < 1 {
		bad("queue.ingest_queue", "must be at least 1")
	}
	if c.Queue.IngestWindow.Duration < 0 || c.Queue.IngestWindow.Duration > time.Second {
		bad("queue.ingest_window", "must be between 0 and 1s (MoySklad waits 1.5 s for the answer), got %s", c.Queue.IngestWindow)
	}
	return errors.Join(errs...)
}
