package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Classes of a good in a stock check (the parity report).
const (
	StockMatched     = "matched"     // MoySklad holds what the warehouse's stock says
	StockInFlight    = "in_flight"   // warehouse documents not yet applied make the difference
	StockExplained   = "explained"   // documents of a type no configured flow mirrors make it
	StockUnexplained = "unexplained" // nothing skladflow knows makes it
)

// StockCheck is one comparison of a warehouse's stock with MoySklad's.
type StockCheck struct {
	ID          int64
	Warehouse   string
	StartedAt   time.Time
	FinishedAt  time.Time
	Goods       int // goods compared
	Matched     int
	InFlight    int
	Explained   int
	Unexplained int
	// Error says why the check could not be made; its counts are then zero.
	Error string
	// Lines are the goods that did not match; loaded by StockCheck and
	// LatestStockChecks, not by StockChecks.
	Lines []StockCheckLine
}

// StockCheckLine is a good that did not match.
type StockCheckLine struct {
	GoodID         string // "" for a MoySklad good unknown to the warehouse
	AssortmentID   string // "" for a warehouse good unknown to MoySklad
	AssortmentType string
	Name           string
	Class          string
	Expected       float64 // units MoySklad should hold by the warehouse's stock
	Actual         float64 // units MoySklad holds at the warehouse's stores
	Stores         []StockCheckStore
	Documents      []StockCheckDocument
	Note           string // why, for staff (Russian)
}

// StockCheckStore is a good's figures at one MoySklad store.
type StockCheckStore struct {
	StoreID  string  `json:"store_id"`
	Label    string  `json:"label"`
	Expected float64 `json:"expected"`
	Actual   float64 `json:"actual"`
}

// StockCheckDocument is a warehouse document that moved a good, with
// skladflow's record of it.
type StockCheckDocument struct {
	OutdocID  int64     `json:"outdoc_id"`
	Type      string    `json:"type"`
	TypeName  string    `json:"type_name,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Qnt       float64   `json:"qnt"`    // units MoySklad should book for it, all stores
	Status    string    `json:"status"` // skladflow's outdoc status; "" when never read
	Role      string    `json:"role"`   // in_flight, unmirrored or applied
}

// SaveStockCheck records a check with its lines and deletes the checks
// that started before keepFrom, in one transaction. It returns the id.
func (s *Store) SaveStockCheck(ctx context.Context, c StockCheck, keepFrom time.Time) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sqlTx) error {
		// RETURNING, not LastInsertId: PostgreSQL's driver has none.
		if err := tx.QueryRowContext(ctx, `INSERT INTO stock_checks (warehouse, started_at, finished_at, goods, matched, in_flight, explained, unexplained, error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.Warehouse, fmtTime(c.StartedAt), fmtTime(c.FinishedAt),
			c.Goods, c.Matched, c.InFlight, c.Explained, c.Unexplained, c.Error).Scan(&id); err != nil {
			return err
		}
		for _, l := range c.Lines {
			stores, err := json.Marshal(l.Stores)
			if err != nil {
				return err
			}
			docs, err := json.Marshal(l.Documents)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO stock_check_lines (check_id, good_id, assortment_id, assortment_type, name, class,
				expected, actual, stores, documents, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, l.GoodID, l.AssortmentID,
				l.AssortmentType, l.Name, l.Class, l.Expected, l.Actual, stores, docs, l.Note); err != nil {
				return fmt.Errorf("storage: stock check line %s/%s: %w", l.GoodID, l.AssortmentID, err)
			}
		}
		if !keepFrom.IsZero() {
			if _, err := tx.ExecContext(ctx, `DELETE FROM stock_checks WHERE started_at < ?`, fmtTime(keepFrom)); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

const stockCheckColumns = `id, warehouse, started_at, finished_at, goods, matched, in_flight, explained, unexplained, error`

func scanStockCheck(r scanner) (StockCheck, error) {
	var c StockCheck
	var started, finished string
	err := r.Scan(&c.ID, &c.Warehouse, &started, &finished, &c.Goods, &c.Matched, &c.InFlight, &c.Explained, &c.Unexplained, &c.Error)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	c.StartedAt, c.FinishedAt = parseTime(started), parseTime(finished)
	return c, err
}

// StockChecks lists the newest checks first, without their lines;
// warehouse "" lists every warehouse's.
func (s *Store) StockChecks(ctx context.Context, warehouse string, limit int) ([]StockCheck, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+stockCheckColumns+` FROM stock_checks WHERE ? = '' OR warehouse = ? ORDER BY id DESC LIMIT ?`,
		warehouse, warehouse, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StockCheck
	for rows.Next() {
		c, err := scanStockCheck(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// StockCheck loads one check with its lines.
func (s *Store) StockCheck(ctx context.Context, id int64) (StockCheck, error) {
	c, err := scanStockCheck(s.db.QueryRowContext(ctx, `SELECT `+stockCheckColumns+` FROM stock_checks WHERE id = ?`, id))
	if err != nil {
		return c, err
	}
	c.Lines, err = s.stockCheckLines(ctx, id)
	return c, err
}

// LatestStockChecks are the last check of each warehouse, with their
// lines, by warehouse name.
func (s *Store) LatestStockChecks(ctx context.Context) ([]StockCheck, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+stockCheckColumns+` FROM stock_checks
		WHERE id IN (SELECT max(id) FROM stock_checks GROUP BY warehouse) ORDER BY warehouse`)
	if err != nil {
		return nil, err
	}
	var out []StockCheck
	for rows.Next() {
		c, err := scanStockCheck(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Lines, err = s.stockCheckLines(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) stockCheckLines(ctx context.Context, id int64) ([]StockCheckLine, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT good_id, assortment_id, assortment_type, name, class, expected, actual, stores, documents, note
		FROM stock_check_lines WHERE check_id = ? ORDER BY CASE class WHEN ? THEN 0 WHEN ? THEN 1 ELSE 2 END, good_id, assortment_id`,
		id, StockUnexplained, StockExplained)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StockCheckLine
	for rows.Next() {
		var l StockCheckLine
		var stores, docs []byte
		if err := rows.Scan(&l.GoodID, &l.AssortmentID, &l.AssortmentType, &l.Name, &l.Class, &l.Expected, &l.Actual, &stores, &docs, &l.Note); err != nil {
			return nil, err
		}
		if err := unmarshalNullable(stores, &l.Stores); err != nil {
			return nil, err
		}
		if err := unmarshalNullable(docs, &l.Documents); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func unmarshalNullable(b []byte, v any) error {
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, v)
}

// StockCheckArgs runs the parity report of every warehouse. Unique while
// one is queued or running: checks run one at a time, and a request made
// during a run has its answer in that run.
type StockCheckArgs struct{}

func (StockCheckArgs) Kind() string { return "stock_check" }

// InsertOpts makes the job unique among queued and running ones; a
// finished check does not block the next (River's default would for 24 h).
func (StockCheckArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{rivertype.JobStateAvailable,
		rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

// QueueStockCheck asks for a parity report now (operator action). It
// reports false when a check is queued or running already.
func (s *Store) QueueStockCheck(ctx context.Context) (bool, error) {
	res, err := s.river.Insert(ctx, StockCheckArgs{}, nil)
	if err != nil {
		return false, err
	}
	return !res.UniqueSkippedAsDuplicate, nil
}
