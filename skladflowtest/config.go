package skladflowtest

import (
	"net"
	"time"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/stdwebhooks"
)

// pushKey signs the warehouse emulator's pushes (Options.Push).
var pushKey = []byte("push-key-0123456789abcdef-xyz")

// Credentials the emulators accept when their options leave them empty.
const (
	fboxPartner  = "partner"
	fboxPassword = "secret"
)

// publicAddr is addr under PublicHost.
func publicAddr(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return net.JoinHostPort(PublicHost, port)
}

// buildConfig points a configuration at the emulators. Feeds are polled
// hourly (tests read them with PollNow or pushes); reconciliation runs every
// 2 s, as a production install would recover a notification MoySklad
// dropped.
func (h *Harness) buildConfig(addr string) (*config.Config, error) {
	fb := h.opts.FBox
	if fb.PartnerID == "" {
		fb.PartnerID = fboxPartner
	}
	if fb.Password == "" {
		fb.Password = fboxPassword
	}
	c := &config.Config{
		Listen:    addr,
		PublicURL: "http://" + publicAddr(addr),
		Database:  h.database,
		MoySklad: config.MoySklad{BaseURL: h.MoySklad.URL(), Token: h.MoySklad.Token(), WebhookSecret: "0123456789abcdef0123",
			IntegrationUID: "skladflow@test", ReconcileInterval: config.Duration{Duration: 2 * time.Second}},
		Warehouses: []config.Warehouse{{Name: Warehouse, Store: StoreName,
			FBox: config.FBox{BaseURL: h.FBox.URL(), PartnerID: fb.PartnerID, Password: fb.Password,
				PollInterval: config.Duration{Duration: time.Hour}}}},
	}
	if h.FBox2 != nil {
		c.Warehouses = append(c.Warehouses, config.Warehouse{Name: SecondWarehouse, Store: SecondStoreName,
			FBox: config.FBox{BaseURL: h.FBox2.URL(), PartnerID: fboxPartner, Password: fboxPassword,
				PollInterval: config.Duration{Duration: time.Hour}}})
	}
	if h.opts.DefectStore {
		c.Warehouses[0].DefectStore = DefectStoreName
	}
	if h.opts.LongStorageStore {
		c.Warehouses[0].LongStorageStore = LongStorageStoreName
	}
	if h.opts.Push {
		c.Warehouses[0].CallbackSecret = stdwebhooks.Secret(pushKey)
	}
	if cd := h.CDEK; cd != nil {
		c.CDEK = &config.CDEK{BaseURL: cd.URL(), ClientID: cd.ClientID(), ClientSecret: cd.ClientSecret(),
			WebhookSecret: "cdek-hook-secret-0123456789", TariffCode: 137, ShipmentPoint: "MSK1",
			NumberAttribute: "Трек-номер СДЭК", CheckAfter: config.Duration{Duration: 100 * time.Millisecond},
			PollInterval: config.Duration{Duration: time.Hour}}
	}
	if h.opts.Edit != nil {
		h.opts.Edit(c)
	}
	c.SetDefaults()
	return c, c.Validate()
}
