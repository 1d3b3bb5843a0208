package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrGoodTaken is returned when a good_id is already bound to another
// assortment item at the warehouse: FBox never reuses a good_id.
var ErrGoodTaken = errors.New("storage: good_id bound to another assortment item")

// Good binds a MoySklad assortment item to its good at a warehouse.
type Good struct {
	Warehouse      string
	AssortmentType string // product or variant
	AssortmentID   string
	ParentID       string // a variant's product; "" for a product
	GoodID         string // fixed at first registration
	SKU            string // the SKU the item had when last registered
	Name           string // the card's name as last registered
	CardHash       string // the last card registered, to skip unchanged ones
	RegisteredAt   time.Time
	UpdatedAt      time.Time
}

const goodColumns = `warehouse, assortment_type, assortment_id, parent_id, good_id, sku, name, card_hash, registered_at, updated_at`

func scanGood(r scanner) (Good, error) {
	var g Good
	var reg, upd string
	err := r.Scan(&g.Warehouse, &g.AssortmentType, &g.AssortmentID, &g.ParentID, &g.GoodID, &g.SKU, &g.Name, &g.CardHash, &reg, &upd)
	if errors.Is(err, sql.ErrNoRows) {
		return g, ErrNotFound
	}
	g.RegisteredAt, g.UpdatedAt = parseTime(reg), parseTime(upd)
	return g, err
}

// Goods loads the bindings of the given assortment ids at a warehouse,
// keyed by assortment id; ids without one are absent.
func (s *Store) Goods(ctx context.Context, warehouse string, assortmentIDs ...string) (map[string]Good, error) {
	out := map[string]Good{}
	const chunk = 500 // SQLite binds at most 32766 variables; stay far below
	for start := 0; start < len(assortmentIDs); start += chunk {
		ids := assortmentIDs[start:min(start+chunk, len(assortmentIDs))]
		args := []any{warehouse}
		for _, id := range ids {
			args = append(args, id)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT `+goodColumns+` FROM goods WHERE warehouse = ? AND assortment_id IN (?`+
			strings.Repeat(", ?", len(ids)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			g, err := scanGood(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[g.AssortmentID] = g
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GoodByID finds the assortment item a good_id belongs to at a warehouse.
func (s *Store) GoodByID(ctx context.Context, warehouse, goodID string) (Good, error) {
	return scanGood(s.db.QueryRowContext(ctx, `SELECT `+goodColumns+` FROM goods WHERE warehouse = ? AND good_id = ?`, warehouse, goodID))
}

// AllGoods lists every binding at a warehouse, by good_id.
func (s *Store) AllGoods(ctx context.Context, warehouse string) ([]Good, error) {
	return s.goodsWhere(ctx, `warehouse = ?`, warehouse)
}

// VariantGoods lists the bindings of a product's variants at a warehouse.
func (s *Store) VariantGoods(ctx context.Context, warehouse, productID string) ([]Good, error) {
	return s.goodsWhere(ctx, `warehouse = ? AND parent_id = ?`, warehouse, productID)
}

func (s *Store) goodsWhere(ctx context.Context, where string, args ...any) ([]Good, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+goodColumns+` FROM goods WHERE `+where+` ORDER BY good_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Good
	for rows.Next() {
		g, err := scanGood(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// SaveGoods records registered cards in one transaction. A new binding
// takes its good_id; an existing one keeps the good_id it has and only its
// SKU, name and card hash change, so a caller can never rename a good. A
// good_id already bound to another item fails the whole call with
// ErrGoodTaken.
func (s *Store) SaveGoods(ctx context.Context, goods ...Good) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		ts := now()
		for _, g := range goods {
			if g.Warehouse == "" || g.AssortmentID == "" || g.GoodID == "" {
				return errors.New("storage: a good needs Warehouse, AssortmentID and GoodID")
			}
			have, err := scanGood(tx.QueryRowContext(ctx, `SELECT `+goodColumns+` FROM goods WHERE warehouse = ? AND good_id = ?`, g.Warehouse, g.GoodID))
			switch {
			case err == nil && (have.AssortmentID != g.AssortmentID || have.AssortmentType != g.AssortmentType):
				return fmt.Errorf("%w: %s at %s is %s %s", ErrGoodTaken, g.GoodID, g.Warehouse, have.AssortmentType, have.AssortmentID)
			case err != nil && !errors.Is(err, ErrNotFound):
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO goods (`+goodColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (warehouse, assortment_type, assortment_id) DO UPDATE SET
				parent_id = excluded.parent_id, sku = excluded.sku, name = excluded.name, card_hash = excluded.card_hash, updated_at = excluded.updated_at`,
				g.Warehouse, g.AssortmentType, g.AssortmentID, g.ParentID, g.GoodID, g.SKU, g.Name, g.CardHash, ts, ts); err != nil {
				return err
			}
		}
		return nil
	})
}
