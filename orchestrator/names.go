package orchestrator

import (
	"context"
	"fmt"
	"sync"

	"github.com/skladflow/skladflow/moysklad"
)

// byName caches what MoySklad describes per document type by name: its
// statuses, its custom fields. They change rarely; a miss reloads the type
// once.
type byName[T any] struct {
	load    func(ctx context.Context, typ string) ([]T, error)
	name    func(T) string
	loading sync.Mutex // one load at a time: callers that missed together share it
	mu      sync.Mutex
	by      map[string]map[string]T // type → name → item
	loads   map[string]int          // type → loads so far
}

func newByName[T any](load func(context.Context, string) ([]T, error), name func(T) string) *byName[T] {
	return &byName[T]{load: load, name: name, by: map[string]map[string]T{}, loads: map[string]int{}}
}

// get finds an item by name; ok is false when the type has none.
func (c *byName[T]) get(ctx context.Context, typ, name string) (item T, ok bool, err error) {
	c.mu.Lock()
	item, ok = c.by[typ][name]
	seen := c.loads[typ]
	c.mu.Unlock()
	if ok {
		return item, true, nil
	}
	c.loading.Lock()
	defer c.loading.Unlock()
	c.mu.Lock()
	if c.loads[typ] != seen { // loaded while this caller waited
		item, ok = c.by[typ][name]
		c.mu.Unlock()
		return item, ok, nil
	}
	c.mu.Unlock()
	list, err := c.load(ctx, typ)
	if err != nil {
		return item, false, err
	}
	m := make(map[string]T, len(list))
	for _, x := range list {
		m[c.name(x)] = x
	}
	c.mu.Lock()
	c.by[typ] = m
	c.loads[typ]++
	c.mu.Unlock()
	item, ok = m[name]
	return item, ok, nil
}

func newStateCache(ms MoySklad) *byName[moysklad.State] {
	return newByName(func(ctx context.Context, typ string) ([]moysklad.State, error) {
		md, err := ms.Metadata(ctx, typ)
		if err != nil {
			return nil, err
		}
		return md.States, nil
	}, func(s moysklad.State) string { return s.Name })
}

func newAttributeCache(ms MoySklad) *byName[moysklad.Attribute] {
	return newByName(ms.Attributes, func(a moysklad.Attribute) string { return a.Name })
}

// UnknownStateError means a configured status does not exist in MoySklad.
type UnknownStateError struct{ Type, Name string }

// Temporary: a missing status stays missing until someone creates it.
func (e *UnknownStateError) Temporary() bool { return false }

func (e *UnknownStateError) Error() string {
	return fmt.Sprintf("status %q does not exist for %s in MoySklad", e.Name, e.Type)
}

// State finds a configured status of a document type.
func (o *Orchestrator) State(ctx context.Context, typ, name string) (moysklad.State, error) {
	s, ok, err := o.states.get(ctx, typ, name)
	if err == nil && !ok {
		err = &UnknownStateError{Type: typ, Name: name}
	}
	return s, err
}

// Attribute finds a custom field of a document type by name; ok is false
// when the type has none of that name.
func (o *Orchestrator) Attribute(ctx context.Context, typ, name string) (a moysklad.Attribute, ok bool, err error) {
	return o.attrs.get(ctx, typ, name)
}
