package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
)

// testFlow answers «Передать» with «Передан» and one mini-log line, for
// the documents of its types in its store (any store when "").
type testFlow struct {
	types []string
	store string
	table *fsm.Flow
	runs  int
}

func testTable(name string) *fsm.Flow {
	return fsm.NewFlow(name, []fsm.Transition{
		{Event: "go", From: []fsm.State{fsm.New}, To: "done"},
		{Event: "again", From: []fsm.State{"done"}, To: "done"},
	}, "done")
}

func (f *testFlow) Table() *fsm.Flow { return f.table }
func (f *testFlow) Takes(d *moysklad.Document) bool {
	return f.store == "" || d.Store.ID() == f.store
}
func (f *testFlow) DocumentTypes() []string           { return f.types }
func (f *testFlow) Expand() []string                  { return []string{"state"} }
func (f *testFlow) Commands() []string                { return []string{"Передать"} }
func (f *testFlow) Rerun(context.Context, *Run) error { return nil }

func (f *testFlow) Process(ctx context.Context, r *Run) error {
	f.runs++
	entry, err := r.Say(ctx, "Передан", "Передан на склад")
	if err != nil {
		return err
	}
	ev := fsm.Event("go")
	if r.State() == "done" {
		ev = "again"
	}
	return r.Transition(ctx, ev, nil, entry)
}

type bundle struct {
	ctx   context.Context
	ms    *moyskladtest.Server
	o     *Orchestrator
	store *storage.Store
	flow  *testFlow
}

func setup(t *testing.T) *bundle {
	t.Helper()
	ms := moyskladtest.NewServer(moyskladtest.Options{})
	t.Cleanup(ms.Close)
	ms.AddState(moysklad.TypeSupply, "Передать", moysklad.StateRegular)
	ms.AddState(moysklad.TypeSupply, "Передан", moysklad.StateRegular)
	client, err := moysklad.NewClient(moysklad.Config{BaseURL: ms.URL(), Token: ms.Token()})
	require.NoError(t, err)
	o, err := New(Config{RetryHorizon: time.Hour, ReconcileInterval: time.Minute}, client)
	require.NoError(t, err)
	f := &testFlow{types: []string{moysklad.TypeSupply}, table: testTable("test")}
	require.NoError(t, o.Register(f))
	store, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(t.TempDir(), "db")})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	o.Attach(store)
	return &bundle{ctx: context.Background(), ms: ms, o: o, store: store, flow: f}
}

func (b *bundle) supply(t *testing.T, status string) moysklad.Document {
	t.Helper()
	store := b.ms.AddStore("Склад")
	d, err := b.ms.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: "1", Store: store.ID, State: status})
	require.NoError(t, err)
	return d
}

// run starts a run on a new supply, as a flow's own job would.
func (b *bundle) run(t *testing.T) (moysklad.Document, *Run) {
	t.Helper()
	d := b.supply(t, "Передать")
	r, err := b.o.NewRun(b.ctx, &d, storage.Document{Type: moysklad.TypeSupply, ID: d.ID})
	require.NoError(t, err)
	return d, r
}

func TestRegisterRefusesTwoFlowsOfOneName(t *testing.T) {
	t.Parallel()
	b := setup(t)
	err := b.o.Register(&testFlow{types: []string{moysklad.TypeMove}, table: testTable("test")})
	require.ErrorContains(t, err, "two flows named test")
}

// Flows share a document type; the document's store decides whose it is,
// and its row records the flow.
func TestTheFlowIsChosenByTheDocument(t *testing.T) {
	t.Parallel()
	b := setup(t)
	store := b.ms.AddStore("Склад БетаПРО")
	other := &testFlow{types: []string{moysklad.TypeSupply}, store: store.ID, table: testTable("other")}
	b.o.byType[moysklad.TypeSupply] = nil // the warehouse's flow is asked first
	require.NoError(t, b.o.Register(other, &testFlow{types: []string{moysklad.TypeSupply}, table: testTable("rest")}))
	d, err := b.ms.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: "2", Store: store.ID, State: "Передать"})
	require.NoError(t, err)
	require.NoError(t, b.o.ProcessDocument(b.ctx, moysklad.TypeSupply, d.ID))
	require.Equal(t, 1, other.runs)
	row, err := b.store.Document(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.Equal(t, "other", row.Flow)
	require.Zero(t, b.flow.runs)
}

func TestProcessWritesBackOnceAndSavesTheTransition(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t, "Передать")
	require.NoError(t, b.o.ProcessDocument(b.ctx, moysklad.TypeSupply, d.ID))

	got, err := b.ms.Document(moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.Equal(t, "Передан", got.StateName())
	require.Contains(t, got.Description, "Передан на склад")
	row, err := b.store.Document(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.Equal(t, "done", row.State)
	require.Equal(t, "test", row.Flow)
	tl, err := b.store.Timeline(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.Len(t, tl, 2)
	require.Equal(t, storage.KindWriteback, tl[0].Kind)
	require.Equal(t, storage.KindTransition, tl[1].Kind)
	require.Equal(t, "new → done (go)", tl[1].Message)

	// The same write again (a run that died before recording it, then
	// came back) is recognised on the document and not made twice.
	require.NoError(t, b.o.ProcessDocument(b.ctx, moysklad.TypeSupply, d.ID))
	require.Equal(t, 1, b.ms.PutCount(moysklad.TypeSupply, d.ID))
	tl, err = b.store.Timeline(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.Equal(t, storage.KindRecovered, tl[2].Kind)
}

func TestADeletedDocumentEndsItsEvents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.store.AcceptEvents(b.ctx, "", "test", []storage.InboxEvent{{EventKey: "k", DocType: moysklad.TypeSupply, DocID: "gone"}})
	require.NoError(t, err)
	require.NoError(t, b.o.ProcessDocument(b.ctx, moysklad.TypeSupply, "gone"))
	busy, err := b.store.HasUnprocessed(b.ctx, moysklad.TypeSupply, "gone")
	require.NoError(t, err)
	require.False(t, busy)
	require.Zero(t, b.flow.runs)
}

func TestTransitionRefusesAConcurrentChange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d, r := b.run(t)
	_, err := b.store.Update(b.ctx, moysklad.TypeSupply, d.ID, func(_ *storage.Tx, x *storage.Document) error {
		x.State = "done"
		return nil
	})
	require.NoError(t, err)
	err = r.Transition(b.ctx, "go", nil)
	require.ErrorIs(t, err, storage.ErrConflict)
}

func TestTransitionEditErrorRollsBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d, r := b.run(t)
	boom := errors.New("boom")
	err := r.Transition(b.ctx, "go", func(*storage.Tx, *storage.Document) error { return boom })
	require.ErrorIs(t, err, boom)
	_, err = b.store.Document(b.ctx, moysklad.TypeSupply, d.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "nothing saved")
	require.Equal(t, string(fsm.New), r.Row.State)
}

func TestOneWriterPerDocument(t *testing.T) {
	t.Parallel()
	b := setup(t)
	first := context.WithValue(b.ctx, jobKey{}, jobInfo{owner: "job:1"})
	second := context.WithValue(b.ctx, jobKey{}, jobInfo{owner: "job:2"})
	err := b.o.WithDocument(first, moysklad.TypeSupply, "1", func() error {
		return b.o.WithDocument(second, moysklad.TypeSupply, "1", func() error { return nil })
	})
	require.ErrorIs(t, err, ErrBusy)
	require.NoError(t, b.o.WithDocument(second, moysklad.TypeSupply, "1", func() error { return nil }), "released after the first")
}

func TestFailedRetriesWhileThePeerMayComeBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d, r := b.run(t)
	down := &moysklad.APIError{Status: 503}
	failed := 0
	fail := func() error { failed++; return nil }
	call := storage.TimelineEntry{Kind: storage.KindCall, Message: "вызов: ошибка"}

	r.LastTry = false
	require.ErrorIs(t, r.Failed(b.ctx, down, call, fail), down, "back to the queue")
	require.Zero(t, failed)
	tl, err := b.store.Timeline(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.Equal(t, "вызов: ошибка", tl[0].Message)

	require.NoError(t, r.Failed(b.ctx, &moysklad.APIError{Status: 400}, call, fail), "refused: final at once")
	r.LastTry = true
	require.NoError(t, r.Failed(b.ctx, down, call, fail), "past the horizon: final")
	require.Equal(t, 2, failed)
}

func TestTheQueueAnswer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var snooze *rivertype.JobSnoozeError
	require.ErrorAs(t, b.o.answer(ErrBusy), &snooze)
	require.Less(t, snooze.Duration, time.Second)
	require.ErrorAs(t, b.o.answer(Later(3*time.Second)), &snooze)
	require.Equal(t, 3*time.Second, snooze.Duration)

	var cancel *rivertype.JobCancelError
	require.ErrorAs(t, b.o.answer(fmt.Errorf("gone: %w", ErrFinal)), &cancel)
	require.ErrorAs(t, b.o.answer(&UnknownStateError{Type: "supply", Name: "X"}), &cancel)
	require.ErrorAs(t, b.o.answer(&moysklad.APIError{Status: 400}), &cancel)

	retry := b.o.answer(&moysklad.APIError{Status: 503})
	require.False(t, errors.As(retry, &cancel) || errors.As(retry, &snooze))
	require.ErrorContains(t, retry, "will retry")
	require.NoError(t, b.o.answer(nil))
}

func TestWorkTellsTheLastTry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	last := func(created time.Time) bool {
		var got bool
		require.NoError(t, b.o.work(b.ctx, &rivertype.JobRow{ID: 7, CreatedAt: created}, func(ctx context.Context) error {
			got = LastTry(ctx)
			require.Equal(t, "job:7", infoOf(ctx).owner)
			return nil
		}))
		return got
	}
	require.False(t, last(time.Now().Add(-time.Minute)))
	require.True(t, last(time.Now().Add(-2*time.Hour)), "past the one-hour horizon")
}

func TestTemporary(t *testing.T) {
	t.Parallel()
	require.True(t, Temporary(errors.New("database is locked")), "an error no client made is worth another try")
	require.True(t, Temporary(fmt.Errorf("get: %w", &moysklad.APIError{Status: 429})))
	require.False(t, Temporary(&moysklad.APIError{Status: 404}))
	require.False(t, Temporary(&UnknownStateError{}))
	require.False(t, Temporary(nil))
}

// A document stays with the flow its row records while that flow takes
// it; a flow may hand it over to another, which starts on it from the
// beginning of its own table.
func TestHandOver(t *testing.T) {
	t.Parallel()
	b := setup(t)
	second := &testFlow{types: []string{moysklad.TypeSupply}, table: testTable("second")}
	require.NoError(t, b.o.Register(second))
	d := b.supply(t, "Передать")
	require.NoError(t, b.o.ProcessDocument(b.ctx, moysklad.TypeSupply, d.ID))
	require.Equal(t, 1, b.flow.runs, "both take it: the first registered has it")

	row, err := b.store.Document(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	got, err := b.ms.Document(moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	r, err := b.o.NewRun(b.ctx, &got, row)
	require.NoError(t, err)
	require.NoError(t, r.HandOver(b.ctx, "second"))
	require.ErrorIs(t, r.HandOver(b.ctx, "nobody"), ErrFinal)

	require.NoError(t, b.o.ProcessDocument(b.ctx, moysklad.TypeSupply, d.ID))
	require.NoError(t, b.o.ProcessDocument(b.ctx, moysklad.TypeSupply, d.ID))
	require.Equal(t, 1, b.flow.runs)
	require.Equal(t, 2, second.runs, "the document stays with the flow it was handed to")
	row, err = b.store.Document(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.Equal(t, "second", row.Flow)
	require.Equal(t, "done", row.State)
	tl, err := b.store.Timeline(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	var msgs []string
	for _, e := range tl {
		msgs = append(msgs, e.Message)
	}
	require.Contains(t, msgs, "документ передан из потока test (done) потоку second")
	require.Contains(t, msgs, "new → done (go)", "the second flow started from its beginning")
}

// A flow that no longer takes the document (staff moved it to another
// store) gives way to one that does, which starts from its beginning.
func TestAnotherFlowTakesOver(t *testing.T) {
	t.Parallel()
	b := setup(t)
	wh := b.ms.AddStore("Склад БетаПРО")
	b.flow.store = wh.ID
	rest := &testFlow{types: []string{moysklad.TypeSupply}, table: testTable("rest")}
	require.NoError(t, b.o.Register(rest))
	d, err := b.ms.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: "3", Store: wh.ID, State: "Передать"})
	require.NoError(t, err)
	require.NoError(t, b.o.ProcessDocument(b.ctx, moysklad.TypeSupply, d.ID))
	require.Equal(t, 1, b.flow.runs)

	b.flow.store = "elsewhere" // the document is no longer the warehouse flow's
	require.NoError(t, b.ms.SetState(moysklad.TypeSupply, d.ID, "Передать"))
	require.NoError(t, b.o.ProcessDocument(b.ctx, moysklad.TypeSupply, d.ID))
	require.Equal(t, 1, rest.runs)
	row, err := b.store.Document(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.Equal(t, "rest", row.Flow)
	tl, err := b.store.Timeline(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.Equal(t, "документ переходит из потока test (done) в поток rest", tl[len(tl)-3].Message)
}

// Flows sharing a type and a command status are looked for once.
func TestReconciliationAsksForEachCommandOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.o.Register(&testFlow{types: []string{moysklad.TypeSupply, moysklad.TypeMove}, table: testTable("other")}))
	require.Equal(t, [][2]string{{moysklad.TypeSupply, "Передать"}, {moysklad.TypeMove, "Передать"}}, b.o.commands())
}
