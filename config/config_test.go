package config_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
)

const sample = `
listen: ":9090"
public_url: "https://skladflow.example.ru"
database: "/var/lib/skladflow/skladflow.db"
admin: { user: admin, password: "${ADMIN_PASSWORD}" }
moysklad:
  token: "${MOYSKLAD_TOKEN}"
  webhook_secret: "${WEBHOOK_SECRET}"
  integration_uid: "skladflow@company"
  reconcile_interval: 2m
warehouses:
  - name: "БетаПРО"
    store: "Склад БетаПРО"
    sku_field: code
    fbox: { base_url: "https://lpw.betta.ru:8084/grh/api", partner_id: "${FBOX_PARTNER_ID}",
            password: "${FBOX_PASSWORD}", poll_interval: 30s }
cdek:
  base_url: "https://api.edu.cdek.ru/v2"
  client_id: "${CDEK_CLIENT_ID}"
  client_secret: "${CDEK_CLIENT_SECRET}"
  webhook_secret: "${CDEK_WEBHOOK_SECRET}"
  tariff_code: 137
  shipment_point: "MSK123"
  number_attribute: "Трек-номер СДЭК"
  package: { weight: 400, length: 20, width: 15, height: 10 }
  statuses:
    DELIVERED: "Вручен"
    POSTOMAT_SEIZED: ""
statuses:
  submit: "Отправить"
`

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

var fullEnv = env(map[string]string{
	"ADMIN_PASSWORD": "pw", "MOYSKLAD_TOKEN": "tok", "WEBHOOK_SECRET": "0123456789abcdef0123",
	"FBOX_PARTNER_ID": "p1", "FBOX_PASSWORD": "fpw",
	"CDEK_CLIENT_ID": "cid", "CDEK_CLIENT_SECRET": "csecret", "CDEK_WEBHOOK_SECRET": "fedcba9876543210fedc",
})

func TestParseSample(t *testing.T) {
	t.Parallel()
	c, err := config.Parse([]byte(sample), fullEnv)
	require.NoError(t, err)
	require.Equal(t, ":9090", c.Listen)
	require.Equal(t, "tok", c.MoySklad.Token)
	require.Equal(t, 2*time.Minute, c.MoySklad.ReconcileInterval.Duration)
	require.Equal(t, "https://api.moysklad.ru/api/remap/1.2", c.MoySklad.BaseURL)
	require.Equal(t, []string{"supply", "move"}, c.MoySklad.Documents)
	require.Equal(t, "code", c.Warehouses[0].SKUField)
	require.Equal(t, "fpw", c.Warehouses[0].FBox.Password)
	require.Equal(t, 30*time.Second, c.Warehouses[0].FBox.PollInterval.Duration)
	require.Equal(t, []string{"demand", "customerorder"}, c.CDEK.Documents)
	require.Equal(t, 10*time.Minute, c.CDEK.PollInterval.Duration)
	require.Equal(t, "Вручен", c.CDEK.Statuses["DELIVERED"], "an entry overrides the default")
	require.Equal(t, "Не доставлен", c.CDEK.Statuses["NOT_DELIVERED"], "defaults stay")
	require.NotContains(t, c.CDEK.Statuses, "POSTOMAT_SEIZED", "an empty name drops a default")
	require.Equal(t, 400, c.CDEK.Package.Weight)
	require.Equal(t, "Отправить", c.Statuses.Submit)
	require.Equal(t, "Передан", c.Statuses.Submitted, "default")
	require.Equal(t, config.MissingRemove, c.Receipt.Missing)
	require.Equal(t, 137, c.CDEK.TariffCode)
}

func TestParseErrorsNameTheKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		env        func(string) (string, bool)
		want       string
	}{
		{"unknown key", sample + "\nlisten_addr: x\n", fullEnv, "field listen_addr not found"},
		{"unknown nested key", `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef", tokn: x }
`, fullEnv, "field tokn not found"},
		{"unset env", sample, env(map[string]string{"ADMIN_PASSWORD": "x"}), "moysklad.token: environment variable MOYSKLAD_TOKEN is not set"},
		{"missing token", `
public_url: "https://x.ru"
moysklad: { webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
`, fullEnv, "moysklad.token: required"},
		{"no warehouses", `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
`, fullEnv, "warehouses: at least one warehouse is required"},
		{"bad sku field", `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, sku_field: sku, fbox: { partner_id: p, password: q } }]
`, fullEnv, "warehouses[0].sku_field: must be article, code or externalCode"},
		{"missing fbox password", `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p } }]
`, fullEnv, "warehouses[0].fbox.password: required"},
		{"bad url", `
public_url: "skladflow.example.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
`, fullEnv, "public_url: must be an http(s) URL"},
		{"public url by IP", `
public_url: "http://127.0.0.1:8080"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
`, fullEnv, "public_url: \"http://127.0.0.1:8080\": 127.0.0.1 is an IP address"},
		{"public url without a domain", `
public_url: "https://skladflow"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
`, fullEnv, "public_url: \"https://skladflow\": \"skladflow\" is not a full domain name"},
		{"request cost", `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef", request_cost: 50 }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
`, fullEnv, "moysklad.request_cost: must be between 1 and 45 units, got 50"},
		{"max in flight", `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef", max_in_flight: 6 }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
`, fullEnv, "moysklad.max_in_flight: must be between 1 and 5 (MoySklad's parallel requests per user), got 6"},
		{"quota share", `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q, quota_share: 1.5 } }]
`, fullEnv, "warehouses[0].fbox.quota_share: must be above 0 and at most 1, got 1.5"},
		{"cdek without tariff", `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
cdek: { client_id: c, client_secret: s, webhook_secret: "0123456789abcdef", shipment_point: MSK1 }
`, fullEnv, "cdek.tariff_code: required"},
		{"cdek with both origins", `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
cdek: { client_id: c, client_secret: s, webhook_secret: "0123456789abcdef", tariff_code: 137, shipment_point: MSK1,
        from_location: { address: "ул. Ленина, 1" } }
`, fullEnv, "cdek.shipment_point: give exactly one of shipment_point and from_location"},
		{"cdek document type", `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
cdek: { client_id: c, client_secret: s, webhook_secret: "0123456789abcdef", tariff_code: 137, shipment_point: MSK1, documents: [supply] }
`, fullEnv, "cdek.documents[0]: \"supply\" is not a shipment document type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := config.Parse([]byte(tt.yaml), tt.env)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestLoadFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "skladflow.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
`), 0o600))
	c, err := config.Load(path)
	require.NoError(t, err)
	require.Equal(t, "a", c.Warehouses[0].Name)

	_, err = config.Load(filepath.Join(t.TempDir(), "missing.yaml"))
	require.Error(t, err)
}

func TestCDEKTariffModes(t *testing.T) {
	t.Parallel()
	const base = `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
cdek: { client_id: c, client_secret: s, webhook_secret: "0123456789abcdef", `
	tests := []struct {
		name, cdek, want string // want "" means valid
	}{
		{"136 from an office", `tariff_code: 136, shipment_point: MSK1 }`, ""},
		{"136 from the door", `tariff_code: 136, from_location: { address: "ул. Ленина, 1" } }`,
			"cdek.from_location: tariff 136 (Посылка склад-склад) starts at a CDEK office: give shipment_point instead"},
		{"139 from an office", `tariff_code: 139, shipment_point: MSK1 }`,
			"cdek.shipment_point: tariff 139 (Посылка дверь-дверь) picks parcels up at the door: give from_location instead"},
		{"unknown tariff", `tariff_code: 999, shipment_point: MSK1 }`,
			"cdek.tariff_mode: tariff 999 is not in skladflow's table: give its mode (door-door, door-office, office-door, office-office, door-locker, office-locker)"},
		{"unknown tariff with its mode", `tariff_code: 999, tariff_mode: office-locker, shipment_point: MSK1 }`, ""},
		{"mode against the table", `tariff_code: 136, tariff_mode: office-door, shipment_point: MSK1 }`,
			"cdek.tariff_mode: tariff 136 (Посылка склад-склад) is office-office in CDEK's table, got \"office-door\""},
		{"bad mode", `tariff_code: 999, tariff_mode: office-home, shipment_point: MSK1 }`, "cdek.tariff_mode: must be one of"},
		{"«доставка» tariff", `tariff_code: 751, shipment_point: MSK1 }`,
			"cdek.tariff_code: tariff 751 (Сборный груз склад-склад) is for «доставка» orders only"},
		{"one field for both", `tariff_code: 136, shipment_point: MSK1, number_attribute: "СДЭК", pickup_point_attribute: "СДЭК" }`,
			"cdek.pickup_point_attribute: must differ from number_attribute"},
		{"sender phone as typed", `tariff_code: 136, shipment_point: MSK1, sender: { name: Склад, phone: "8 495 000-00-00" } }`,
			"cdek.sender.phone: must be in international format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := config.Parse([]byte(base+tt.cdek), fullEnv)
			if tt.want != "" {
				require.ErrorContains(t, err, tt.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "Пункт выдачи СДЭК", c.CDEK.PickupPointAttribute, "default")
			require.True(t, c.CDEK.FromOffice())
			require.True(t, c.CDEK.ToPoint())
		})
	}
	c, err := config.Parse([]byte(base+`tariff_code: 137, shipment_point: MSK1 }`), fullEnv)
	require.NoError(t, err)
	require.Equal(t, config.ModeOfficeDoor, c.CDEK.TariffMode, "from CDEK's table")
	require.False(t, c.CDEK.ToPoint())
}
