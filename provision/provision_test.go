package provision_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/provision"
)

type bundle struct {
	ctx context.Context
	srv *moyskladtest.Server
	ms  *moysklad.Client
	cfg *config.Config
}

func setup(t *testing.T) *bundle {
	t.Helper()
	srv := moyskladtest.NewServer(moyskladtest.Options{RateLimit: -1})
	t.Cleanup(srv.Close)
	ms, err := moysklad.NewClient(moysklad.Config{BaseURL: srv.URL(), Token: srv.Token()})
	require.NoError(t, err)
	cfg := &config.Config{PublicURL: "https://skladflow.example.ru",
		MoySklad:   config.MoySklad{Token: "t", WebhookSecret: "0123456789abcdef-secret"},
		Warehouses: []config.Warehouse{{Name: "w", Store: "s", FBox: config.FBox{PartnerID: "p", Password: "q"}}}}
	cfg.SetDefaults()
	require.NoError(t, cfg.Validate())
	return &bundle{ctx: context.Background(), srv: srv, ms: ms, cfg: cfg}
}

func texts(p *provision.Plan) string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, a.Text)
	}
	return strings.Join(out, "\n")
}

func TestPlanApplyIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv.AddState(moysklad.TypeSupply, "Передать", moysklad.StateRegular) // one exists already
	p, err := provision.Build(b.ctx, b.ms, nil, b.cfg)
	require.NoError(t, err)
	require.Len(t, p.Actions, 9+14+10+10+8+2, "the missing statuses of supply, move (with the shipment statuses), demand and purchasereturn, UPDATE and CREATE subscriptions of each, UPDATE of products and variants")
	require.Contains(t, texts(p), "subscribe to product changes: UPDATE, diffType FIELDS → https://skladflow.example.ru/hooks/moysklad/•••")
	require.Contains(t, texts(p), "subscribe to variant changes: UPDATE, diffType FIELDS → https://skladflow.example.ru/hooks/moysklad/•••")
	require.Contains(t, texts(p), "create status supply «Проведён» (Successful)")
	require.Contains(t, texts(p), "create status move «Ошибка передачи» (Unsuccessful)")
	require.Contains(t, texts(p), "subscribe to supply changes: UPDATE, diffType FIELDS → https://skladflow.example.ru/hooks/moysklad/•••")
	require.Contains(t, texts(p), "subscribe to move changes: CREATE → https://skladflow.example.ru/hooks/moysklad/•••")
	require.NotContains(t, texts(p), "0123456789abcdef-secret", "the plan shows no secret")

	// A dry run changes nothing.
	md, err := b.ms.Metadata(b.ctx, moysklad.TypeSupply)
	require.NoError(t, err)
	require.Len(t, md.States, 1)

	require.NoError(t, p.Apply(b.ctx))
	md, err = b.ms.Metadata(b.ctx, moysklad.TypeSupply)
	require.NoError(t, err)
	require.Len(t, md.States, 10)
	for _, s := range md.States {
		if s.Name == "Проведён" {
			require.Equal(t, moysklad.StateSuccessful, s.StateType)
		}
	}
	hooks, err := b.ms.Webhooks(b.ctx)
	require.NoError(t, err)
	require.Len(t, hooks, 10)
	require.Equal(t, "FIELDS", hooks[0].DiffType)
	require.Equal(t, moysklad.ActionCreate, hooks[1].Action)

	again, err := provision.Build(b.ctx, b.ms, nil, b.cfg)
	require.NoError(t, err)
	require.Empty(t, again.Actions, "a second run changes nothing")

	b.srv.DisableWebhooks()
	again, err = provision.Build(b.ctx, b.ms, nil, b.cfg)
	require.NoError(t, err)
	require.Len(t, again.Actions, 10)
	require.NoError(t, again.Apply(b.ctx))
	hooks, err = b.ms.Webhooks(b.ctx)
	require.NoError(t, err)
	require.Len(t, hooks, 10, "enabled again, never created twice")
	require.True(t, *hooks[0].Enabled)
}

func TestPlanNeedsRights(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv.FailNext(moyskladtest.Fault{Method: "GET", PathContains: "/entity/webhook", Status: 403, Code: 30004, Message: "Для управления веб-хуками необходимы права администратора"})
	_, err := provision.Build(b.ctx, b.ms, nil, b.cfg)
	require.ErrorIs(t, err, provision.ErrRights)
}

func TestPlanCDEK(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cd := cdektest.NewServer(cdektest.Options{})
	t.Cleanup(cd.Close)
	client, err := cdek.NewClient(cdek.Config{BaseURL: cd.URL(), ClientID: cd.ClientID(), ClientSecret: cd.ClientSecret()})
	require.NoError(t, err)
	b.cfg.CDEK = &config.CDEK{ClientID: "c", ClientSecret: "s", WebhookSecret: "cdek-0123456789-secret", TariffCode: 137,
		ShipmentPoint: "MSK1", NumberAttribute: "Трек-номер СДЭК"}
	b.cfg.SetDefaults()
	require.NoError(t, b.cfg.Validate())

	p, err := provision.Build(b.ctx, b.ms, client, b.cfg)
	require.NoError(t, err)
	require.Contains(t, texts(p), "create status demand «Передать в СДЭК» (Regular)")
	require.Contains(t, texts(p), "create status customerorder «Доставлен» (Successful)")
	require.Contains(t, texts(p), "create status demand «Не доставлен» (Unsuccessful)")
	require.Contains(t, texts(p), "create custom field demand «Трек-номер СДЭК» (text)")
	require.Contains(t, texts(p), "subscribe to demand changes")
	require.Contains(t, texts(p), "subscribe to CDEK ORDER_STATUS pushes → https://skladflow.example.ru/hooks/cdek/•••")
	require.NotContains(t, texts(p), "cdek-0123456789-secret")
	require.NoError(t, p.Apply(b.ctx))
	require.Len(t, cd.Subscriptions(), 1)
	require.Equal(t, "https://skladflow.example.ru/hooks/cdek/cdek-0123456789-secret", cd.Subscriptions()[0].URL)

	again, err := provision.Build(b.ctx, b.ms, client, b.cfg)
	require.NoError(t, err)
	require.Empty(t, again.Actions, "a second run changes nothing, and never subscribes CDEK twice")
	require.Len(t, cd.Subscriptions(), 1)
}

// A tariff to a pickup point needs the field where staff write its code;
// a tariff to the door does not.
func TestPlanPickupPointField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.cfg.CDEK = &config.CDEK{ClientID: "c", ClientSecret: "s", WebhookSecret: "cdek-0123456789-secret", TariffCode: 137, ShipmentPoint: "MSK1"}
	b.cfg.SetDefaults()
	require.NoError(t, b.cfg.Validate())
	p, err := provision.Build(b.ctx, b.ms, nil, b.cfg)
	require.NoError(t, err)
	require.NotContains(t, texts(p), "Пункт выдачи СДЭК", "137 delivers to the door")

	b.cfg.CDEK.TariffCode, b.cfg.CDEK.TariffMode = 136, ""
	b.cfg.SetDefaults()
	require.NoError(t, b.cfg.Validate())
	p, err = provision.Build(b.ctx, b.ms, nil, b.cfg)
	require.NoError(t, err)
	require.Contains(t, texts(p), "create custom field demand «Пункт выдачи СДЭК» (text) for the CDEK pickup point code")
	require.Contains(t, texts(p), "create custom field customerorder «Пункт выдачи СДЭК» (text)")
	require.NoError(t, p.Apply(b.ctx))
	attrs, err := b.ms.Attributes(b.ctx, moysklad.TypeDemand)
	require.NoError(t, err)
	require.Len(t, attrs, 1)
	require.Equal(t, moysklad.AttributeString, attrs[0].Type)
	again, err := provision.Build(b.ctx, b.ms, nil, b.cfg)
	require.NoError(t, err)
	require.NotContains(t, texts(again), "custom field", "never created twice")
}
