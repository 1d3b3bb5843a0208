// Package fsm holds skladflow's flow tables: which transitions a document may
// take on which event. It is pure: no I/O, no persistence. The current state
// always comes from storage, so a table is built from it for every decision
// (looplab/fsm is used as a validated transition table, nothing more).
package fsm

import (
	"context"
	"errors"
	"fmt"
	"slices"

	lfsm "github.com/looplab/fsm"
)

// State is a document's position in its flow, as stored.
type State string

// Event is what happens to a document: a staff command or an outcome.
type Event string

// Transition is one row of a flow table.
type Transition struct {
	Event Event
	From  []State
	To    State
}

// Flow is a named, validated transition table.
type Flow struct {
	name    string
	events  lfsm.Events
	states  []State // in the order the table first names them
	settled map[State]bool
}

// NewFlow builds a flow table. settled are the states in which nothing is
// expected of skladflow soon (done, refused with the cause in the mini-log,
// waiting days for a carrier): a document held long in any other state is
// stuck. It panics on an empty table or a settled state the table does not
// have: tables are static program data, so a broken one is a programming
// error.
func NewFlow(name string, rows []Transition, settled ...State) *Flow {
	if len(rows) == 0 {
		panic("fsm: empty flow " + name)
	}
	f := &Flow{name: name, settled: map[State]bool{}}
	seen := map[State]bool{}
	add := func(s State) {
		if !seen[s] {
			seen[s] = true
			f.states = append(f.states, s)
		}
	}
	for _, r := range rows {
		src := make([]string, len(r.From))
		for i, s := range r.From {
			src[i] = string(s)
			add(s)
		}
		add(r.To)
		f.events = append(f.events, lfsm.EventDesc{Name: string(r.Event), Src: src, Dst: string(r.To)})
	}
	for _, s := range settled {
		if !seen[s] {
			panic(fmt.Sprintf("fsm: flow %s: settled state %q is not in the table", name, s))
		}
		f.settled[s] = true
	}
	return f
}

// Name is the flow's name ("inbound", …).
func (f *Flow) Name() string { return f.name }

// States are the flow's states, in the order its table names them.
func (f *Flow) States() []State { return slices.Clone(f.states) }

// Settled reports whether s is a settled state of the flow.
func (f *Flow) Settled(s State) bool { return f.settled[s] }

// Fire returns the state after ev happens in state from. A transition to the
// same state is not an error. An event the table does not allow in from
// returns a *TransitionError.
func (f *Flow) Fire(from State, ev Event) (State, error) {
	m := lfsm.NewFSM(string(from), f.events, nil)
	err := m.Event(context.Background(), string(ev))
	var noTransition lfsm.NoTransitionError
	switch {
	case err == nil, errors.As(err, &noTransition):
		return State(m.Current()), nil
	default:
		return from, &TransitionError{Flow: f.name, From: from, Event: ev, cause: err}
	}
}

// Can reports whether ev is allowed in state from.
func (f *Flow) Can(from State, ev Event) bool {
	_, err := f.Fire(from, ev)
	return err == nil
}

// ErrInvalidTransition matches every *TransitionError.
var ErrInvalidTransition = errors.New("fsm: invalid transition")

// TransitionError says that an event is not allowed in the current state.
type TransitionError struct {
	Flow  string
	From  State
	Event Event
	cause error
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("fsm: %s: event %q not allowed in state %q", e.Flow, e.Event, e.From)
}

func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

func (e *TransitionError) Unwrap() error { return e.cause }
