package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
)

// QueueIngest is the queue of fan-out jobs: its own, so that a large
// notification is never stuck behind documents waiting on MoySklad.
const QueueIngest = "ingest"

// fanOutChunk is how many events one fan-out transaction stores: small
// enough that deliveries arriving meanwhile are committed between chunks.
const fanOutChunk = 500

// FanOutArgs turns a large notification's events into inbox rows and
// document jobs, after the notification was acknowledged.
type FanOutArgs struct {
	NotificationID int64 `json:"notification_id"`
}

func (FanOutArgs) Kind() string { return "fan_out_notification" }

func (FanOutArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueIngest} }

type fanOutWorker struct {
	river.WorkerDefaults[FanOutArgs]
	store *Store
}

func (w *fanOutWorker) Work(ctx context.Context, job *river.Job[FanOutArgs]) error {
	return w.store.FanOut(ctx, job.Args.NotificationID)
}

// storedEvent is an accepted event as a notification row keeps it until
// its fan-out: the decision which events are worth work was made at the
// answer and is not made again.
type storedEvent struct {
	Key  string `json:"k"`
	Type string `json:"t"`
	ID   string `json:"i"`
}

func encodeEvents(events []InboxEvent) ([]byte, error) {
	out := make([]storedEvent, len(events))
	for i, e := range events {
		out[i] = storedEvent{Key: e.EventKey, Type: e.DocType, ID: e.DocID}
	}
	return json.Marshal(out)
}

// FanOut stores a notification's events as inbox rows, chunk by chunk;
// the dispatcher makes their jobs. It is idempotent: a run cut short is run
// again, and the events a chunk already stored are skipped by their keys,
// so every event is stored once.
func (s *Store) FanOut(ctx context.Context, notificationID int64) error {
	var n Notification
	var encoded []byte
	var at string
	err := s.db.QueryRowContext(ctx, `SELECT source, request_id, events, received_at FROM notifications WHERE id = ?`, notificationID).
		Scan(&n.Source, &n.RequestID, &encoded, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("notification %d: %w", notificationID, ErrNotFound)
	}
	if err != nil || encoded == nil {
		return err
	}
	var events []storedEvent
	if encoded, err = unpackBlob(encoded); err == nil {
		err = json.Unmarshal(encoded, &events)
	}
	if err != nil {
		return fmt.Errorf("notification %d: events: %w", notificationID, err)
	}
	n.ReceivedAt = parseTime(at)
	id := sql.NullInt64{Int64: notificationID, Valid: true}
	stored := 0
	for len(events) > 0 {
		chunk := events[:min(fanOutChunk, len(events))]
		events = events[len(chunk):]
		rows := make([]inboxRow, len(chunk))
		for i, e := range chunk {
			rows[i] = inboxRow{source: n.Source, requestID: n.RequestID, notification: id, at: n.ReceivedAt,
				event: InboxEvent{EventKey: e.Key, DocType: e.Type, DocID: e.ID}}
		}
		err := s.inTx(ctx, func(tx *sqlTx) error {
			ok, err := insertInbox(ctx, tx, rows)
			for _, k := range ok {
				if k {
					stored++
				}
			}
			return err
		})
		if err != nil {
			return err
		}
		s.dispatch.Load().poke()
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE notifications SET events = NULL WHERE id = ?`, notificationID); err != nil {
		return err
	}
	s.cfg.Logger.Info("notification fanned out", "source", n.Source, "request_id", n.RequestID, "stored", stored)
	return nil
}
