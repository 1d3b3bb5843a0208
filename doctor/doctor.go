// Package doctor checks an installation the way an operator would before
// calling support: configuration, database, MoySklad, statuses, webhooks,
// warehouses. Every problem comes with the exact remedy.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/provision"
	"github.com/skladflow/skladflow/storage"
)

// Finding is the result of one check.
type Finding struct {
	Check  string // what was checked
	OK     bool
	Detail string // what was found
	Remedy string // what to do, when not OK
}

// Run checks everything it can; a failed check does not stop the others.
func Run(ctx context.Context, cfg *config.Config) []Finding {
	var out []Finding
	add := func(f Finding) { out = append(out, f) }

	add(checkDatabase(ctx, cfg))

	ms, err := moysklad.NewClient(moysklad.Config{BaseURL: cfg.MoySklad.BaseURL, Token: cfg.MoySklad.Token,
		WebhookPrefix: cfg.PublicURL, RetryBudget: 5 * time.Second})
	if err != nil {
		add(Finding{Check: "MoySklad client", Detail: err.Error(), Remedy: "fix the moysklad section of the configuration"})
		return out
	}
	reachable := checkMoySklad(ctx, ms, cfg)
	add(reachable)
	if !reachable.OK {
		return out
	}
	cd, cdErr := provision.NewCDEK(cfg, nil)
	var cdAPI *cdek.Client
	if cd != nil {
		f := checkCDEK(ctx, cd, cfg)
		add(f)
		if f.OK {
			cdAPI = cd // else the subscription cannot be checked: the finding above says why
		}
	} else if cdErr != nil {
		add(Finding{Check: "CDEK client", Detail: cdErr.Error(), Remedy: "fix the cdek section of the configuration"})
	}
	add(checkProvision(ctx, ms, cdAPI, cfg))
	for i, w := range cfg.Warehouses {
		add(checkStore(ctx, ms, i, w))
		add(checkFBox(ctx, i, w))
	}
	return out
}

func checkDatabase(ctx context.Context, cfg *config.Config) Finding {
	f := Finding{Check: "database " + cfg.Database}
	s, err := storage.Open(ctx, storage.Config{Path: cfg.Database})
	if err == nil {
		err = s.Ping(ctx)
		s.Close()
	}
	if err != nil {
		f.Detail = err.Error()
		f.Remedy = "make sure the directory of `database` exists and is writable by the skladflow user, and the disk is not full"
		return f
	}
	f.OK, f.Detail = true, "opens, migrations applied, writable"
	return f
}

func checkMoySklad(ctx context.Context, ms *moysklad.Client, cfg *config.Config) Finding {
	f := Finding{Check: "MoySklad API " + cfg.MoySklad.BaseURL}
	_, err := ms.Metadata(ctx, cfg.MoySklad.Documents[0])
	var api *moysklad.APIError
	switch {
	case err == nil:
		limit, remaining, interval := ms.RateLimit()
		f.OK = true
		f.Detail = fmt.Sprintf("reachable; rate limit %d requests per %s, %d left", limit, interval, remaining)
	case errors.As(err, &api) && api.Status == http.StatusUnauthorized:
		f.Detail = "the token was refused (HTTP 401)"
		f.Remedy = "set moysklad.token to a valid API token of the integration user (МойСклад → Настройки → Токены)"
	case errors.As(err, &api) && api.Status == http.StatusForbidden:
		f.Detail = "the token may not read documents (HTTP 403)"
		f.Remedy = "give the integration user rights on supplies and moves"
	default:
		f.Detail = err.Error()
		f.Remedy = "check moysklad.base_url and that this host reaches it (proxy, firewall, DNS)"
	}
	return f
}

// checkCDEK proves the CDEK credentials with a harmless read.
func checkCDEK(ctx context.Context, cd *cdek.Client, cfg *config.Config) Finding {
	f := Finding{Check: "CDEK API " + cfg.CDEK.BaseURL}
	_, err := cd.Webhooks(ctx)
	var ce *cdek.Error
	switch {
	case err == nil:
		f.OK, f.Detail = true, "credentials accepted"
	case errors.As(err, &ce) && (ce.Status == http.StatusUnauthorized || ce.Status == http.StatusBadRequest) && strings.Contains(ce.Op, "oauth"):
		f.Detail = fmt.Sprintf("credentials refused (HTTP %d)", ce.Status)
		f.Remedy = "set cdek.client_id and cdek.client_secret to the integration keys CDEK issued (not the personal-cabinet login)"
	default:
		f.Detail = err.Error()
		f.Remedy = "check cdek.base_url and that this host reaches it"
	}
	return f
}

func checkProvision(ctx context.Context, ms *moysklad.Client, cd *cdek.Client, cfg *config.Config) Finding {
	f := Finding{Check: "statuses and webhooks in MoySklad and CDEK"}
	p, err := provision.Build(ctx, ms, cd, cfg)
	switch {
	case errors.Is(err, provision.ErrRights):
		f.Detail = err.Error()
		f.Remedy = "use the token of an account administrator, or have an administrator run skladflow setup once"
	case err != nil:
		f.Detail = err.Error()
		f.Remedy = "retry; if it persists, check the MoySklad account's tariff (webhooks need a paid tariff)"
	case len(p.Actions) > 0:
		var missing []string
		for _, a := range p.Actions {
			missing = append(missing, a.Text)
		}
		f.Detail = fmt.Sprintf("%d missing: %s", len(missing), strings.Join(missing, "; "))
		f.Remedy = "run skladflow setup (see the plan with skladflow setup --dry-run)"
	default:
		f.OK, f.Detail = true, "every status exists; webhooks are present and enabled"
	}
	return f
}

func checkStore(ctx context.Context, ms *moysklad.Client, i int, w config.Warehouse) Finding {
	f := Finding{Check: fmt.Sprintf("warehouse %q: MoySklad store %q", w.Name, w.Store)}
	var n int
	if _, err := ms.GetStore(ctx, w.Store); err == nil {
		n = 1
	} else if ss, err := ms.FindStores(ctx, w.Store); err == nil {
		n = len(ss)
	} else {
		f.Detail, f.Remedy = err.Error(), "check the MoySklad connection above"
		return f
	}
	switch n {
	case 1:
		f.OK, f.Detail = true, "found"
	case 0:
		f.Detail = "no such store"
		f.Remedy = fmt.Sprintf("set warehouses[%d].store to the exact name or id of the store that is this warehouse", i)
	default:
		f.Detail = fmt.Sprintf("%d stores have this name", n)
		f.Remedy = fmt.Sprintf("set warehouses[%d].store to the store's id", i)
	}
	return f
}

func checkFBox(ctx context.Context, i int, w config.Warehouse) Finding {
	f := Finding{Check: fmt.Sprintf("warehouse %q: FBox API %s", w.Name, w.FBox.BaseURL)}
	c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: w.FBox.BaseURL, PartnerID: w.FBox.PartnerID,
		Password: w.FBox.Password, RetryBudget: 5 * time.Second})
	if err != nil {
		f.Detail, f.Remedy = err.Error(), fmt.Sprintf("fix warehouses[%d].fbox", i)
		return f
	}
	// An empty time window: proves the credentials without reading documents.
	now := fulfillment.Date{Time: time.Now()}
	_, err = c.ListOutdocs(ctx, fulfillment.OutdocFilter{FromDate: &now, ToDate: &now})
	var fe *fulfillment.Error
	switch {
	case err == nil:
		f.OK, f.Detail = true, "credentials accepted"
	case errors.As(err, &fe) && (fe.HTTPStatus == http.StatusUnauthorized || fe.HTTPStatus == http.StatusForbidden):
		f.Detail = fmt.Sprintf("credentials refused (HTTP %d)", fe.HTTPStatus)
		f.Remedy = fmt.Sprintf("check warehouses[%d].fbox.partner_id and .password with the warehouse manager", i)
	default:
		f.Detail = err.Error()
		f.Remedy = fmt.Sprintf("check warehouses[%d].fbox.base_url and that this host reaches it", i)
	}
	return f
}
