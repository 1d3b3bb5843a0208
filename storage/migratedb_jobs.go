package storage

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// unfinishedStates are the jobs CopyTo makes again. A running job was
// interrupted by the stop; finished ones (completed, cancelled, discarded)
// are history River deletes after a while anyway.
var unfinishedStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// copiedArgs is a job's kind and arguments as the source stored them: the
// copy needs neither the Go type of every kind nor its package.
type copiedArgs struct {
	kind    string
	encoded []byte
}

func (a copiedArgs) Kind() string                 { return a.kind }
func (a copiedArgs) MarshalJSON() ([]byte, error) { return a.encoded, nil }

// copyJobs makes every unfinished job of the source again in the target,
// oldest first, with its kind, arguments, queue, priority, maximum of
// attempts, tags and metadata; a scheduled or retryable job keeps when it
// is due, the others are due at once. Attempts and errors start afresh.
//
// Inbox events need nothing more: an event refers to no job id, only to
// whether its job was made (inbox.dispatched), and both facts carry over
// as they are. A dispatched event's job is either unfinished, and made
// again here, or finished, and the event processed with it; an event not
// yet dispatched is copied as such and the target's dispatcher makes its
// job. So every event waiting on SQLite is worked once on PostgreSQL. The
// same holds for a large notification not fanned out yet: its fan-out job
// is made again, and fan-out skips the events already stored.
func (s *Store) copyJobs(ctx context.Context, src *sqlTx, dst *Store, tx *sqlTx) (int, error) {
	params := river.NewJobListParams().States(unfinishedStates...).
		OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(copyBatchRows)
	made := 0
	var batch []river.InsertManyParams
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := dst.river.InsertManyTx(ctx, tx.raw, batch); err != nil {
			return fmt.Errorf("storage: copy jobs: %w", err)
		}
		made += len(batch)
		batch = batch[:0]
		return nil
	}
	for {
		res, err := s.river.JobListTx(ctx, src.raw, params)
		if err != nil {
			return made, fmt.Errorf("storage: list jobs: %w", err)
		}
		for _, j := range res.Jobs {
			args := copiedArgs{kind: j.Kind, encoded: j.EncodedArgs}
			opts := &river.InsertOpts{MaxAttempts: j.MaxAttempts, Metadata: j.Metadata, Priority: j.Priority,
				Queue: j.Queue, Tags: j.Tags, Pending: j.State == rivertype.JobStatePending}
			if j.State == rivertype.JobStateScheduled || j.State == rivertype.JobStateRetryable {
				opts.ScheduledAt = j.ScheduledAt
			}
			if len(j.UniqueKey) == 0 {
				batch = append(batch, river.InsertManyParams{Args: args, InsertOpts: opts})
				continue
			}
			// In order: the unique one after those listed before it.
			if err := flush(); err != nil {
				return made, err
			}
			if err := insertUnique(ctx, dst, tx, j, args, opts); err != nil {
				return made, err
			}
			made++
		}
		if err := flush(); err != nil {
			return made, err
		}
		if len(res.Jobs) < copyBatchRows {
			return made, nil
		}
		params = params.After(river.JobListCursorFromJob(res.Jobs[len(res.Jobs)-1]))
	}
}

// insertUnique makes a unique job again with its unique key. River keeps
// the key (a hash of the kind and what the job is unique by) and the
// states it is unique in, not the options that made them; the states are
// given back as options, so River stores them in the target's form, and
// the key, which no driver enters, is then set as it was. One at a time:
// the key River computes from the states alone must not meet another
// job's before that one's is set.
func insertUnique(ctx context.Context, dst *Store, tx *sqlTx, j *rivertype.JobRow, args copiedArgs, opts *river.InsertOpts) error {
	opts.UniqueOpts = river.UniqueOpts{ByState: j.UniqueStates}
	res, err := dst.river.InsertTx(ctx, tx.raw, args, opts)
	if err != nil {
		return fmt.Errorf("storage: copy job %d (%s): %w", j.ID, j.Kind, err)
	}
	if res.UniqueSkippedAsDuplicate {
		return fmt.Errorf("storage: copy job %d (%s): a duplicate of job %d", j.ID, j.Kind, res.Job.ID)
	}
	_, err = tx.ExecContext(ctx, `UPDATE river_job SET unique_key = ? WHERE id = ?`, j.UniqueKey, res.Job.ID)
	return err
}
