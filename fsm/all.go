package fsm

import "slices"

// All are skladflow's flow tables: the one list of flows and states the
// admin pages, the stuck-document count and the flow packages share.
func All() []*Flow { return []*Flow{inbound, delivery, orders, shipment} }

// States are the states of every flow, each once, in table order.
func States() []State {
	var out []State
	for _, f := range All() {
		for _, s := range f.States() {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Settled are the states settled in every flow that has them: nothing is
// expected of skladflow soon in them.
func Settled() []State {
	var out []State
	for _, s := range States() {
		if IsSettled(s) {
			out = append(out, s)
		}
	}
	return out
}

// IsSettled reports whether s is settled in every flow that has it.
func IsSettled(s State) bool {
	found := false
	for _, f := range All() {
		if !slices.Contains(f.states, s) {
			continue
		}
		if !f.Settled(s) {
			return false
		}
		found = true
	}
	return found
}

// Names are the flows' names.
func Names() []string {
	var out []string
	for _, f := range All() {
		out = append(out, f.Name())
	}
	return out
}
