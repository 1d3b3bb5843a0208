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
// ErrGoodTaken, also when another replica binds it at the same moment.
func (s *Store) SaveGoods(ctx context.Context, goods ...Good) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		ts := now()
		for _, g := range goods {
			if g.Warehouse == "" || g.AssortmentID == "" || g.GoodID == "" {
				return errors.New("storage: a good needs Warehouse, AssortmentID and GoodID")
			}
			if err := saveGood(ctx, tx, g, ts); err != nil {
				return err
			}
		}
		return nil
	})
}

// saveGood inserts a binding unless a row holds its item or its good_id
// already. The insert is what decides, not a read before it: two replicas
// reading "free" at once would both insert, and the loser would get the
// unique constraint's error. With DO NOTHING the loser's insert waits for
// the winner's commit on PostgreSQL (SQLite's writers take turns anyway),
// writes nothing, and the read after it sees the winner's row.
func saveGood(ctx context.Context, tx *sqlTx, g Good, ts string) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO goods (`+goodColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`,
		g.Warehouse, g.AssortmentType, g.AssortmentID, g.ParentID, g.GoodID, g.SKU, g.Name, g.CardHash, ts, ts)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	have, err := scanGood(tx.QueryRowContext(ctx, `SELECT `+goodColumns+` FROM goods WHERE warehouse = ? AND good_id = ?`, g.Warehouse, g.GoodID))
	switch {
	case err == nil && (have.AssortmentID != g.AssortmentID || have.AssortmentType != g.AssortmentType):
		return fmt.Errorf("%w: %s at %s is %s %s", ErrGoodTaken, g.GoodID, g.Warehouse, have.AssortmentType, have.AssortmentID)
	case err != nil && !errors.Is(err, ErrNotFound):
		return err
	}
	// The item has its binding: it keeps its good_id.
	res, err = tx.ExecContext(ctx, `UPDATE goods SET parent_id = ?, sku = ?, name = ?, card_hash = ?, updated_at = ?
		WHERE warehouse = ? AND assortment_type = ? AND assortment_id = ?`,
		g.ParentID, g.SKU, g.Name, g.CardHash, ts, g.Warehouse, g.AssortmentType, g.AssortmentID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	// Neither the item nor the good_id has a row, yet the insert met one:
	// goods are never deleted, so this is not expected.
	return fmt.Errorf("%w: binding of %s %s at %s", ErrConflict, g.AssortmentType, g.AssortmentID, g.Warehouse)
}
