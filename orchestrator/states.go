package orchestrator

import (
	"context"
	"fmt"
	"sync"

	"github.com/skladflow/skladflow/moysklad"
)

// stateCache maps status names to MoySklad states per document type. States
// change rarely; a miss reloads the type once.
type stateCache struct {
	ms MoySklad
	mu sync.Mutex
	by map[string]map[string]moysklad.State // type → name → state
}

func newStateCache(ms MoySklad) *stateCache {
	return &stateCache{ms: ms, by: map[string]map[string]moysklad.State{}}
}

// UnknownStateError means a configured status does not exist in MoySklad.
type UnknownStateError struct{ Type, Name string }

func (e *UnknownStateError) Error() string {
	return fmt.Sprintf("status %q does not exist for %s in MoySklad", e.Name, e.Type)
}

func (c *stateCache) get(ctx context.Context, typ, name string) (moysklad.State, error) {
	c.mu.Lock()
	s, ok := c.by[typ][name]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	if err := c.load(ctx, typ); err != nil {
		return moysklad.State{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.by[typ][name]; ok {
		return s, nil
	}
	return moysklad.State{}, &UnknownStateError{Type: typ, Name: name}
}

func (c *stateCache) load(ctx context.Context, typ string) error {
	md, err := c.ms.Metadata(ctx, typ)
	if err != nil {
		return err
	}
	m := make(map[string]moysklad.State, len(md.States))
	for _, s := range md.States {
		m[s.Name] = s
	}
	c.mu.Lock()
	c.by[typ] = m
	c.mu.Unlock()
	return nil
}

// attributeCache maps custom field names to their descriptions per type.
type attributeCache struct {
	ms MoySklad
	mu sync.Mutex
	by map[string]map[string]moysklad.Attribute
}

func newAttributeCache(ms MoySklad) *attributeCache {
	return &attributeCache{ms: ms, by: map[string]map[string]moysklad.Attribute{}}
}

// get finds a custom field by name; ok is false when the type has none.
func (c *attributeCache) get(ctx context.Context, typ, name string) (moysklad.Attribute, bool, error) {
	c.mu.Lock()
	a, ok := c.by[typ][name]
	c.mu.Unlock()
	if ok {
		return a, true, nil
	}
	list, err := c.ms.Attributes(ctx, typ)
	if err != nil {
		return moysklad.Attribute{}, false, err
	}
	m := make(map[string]moysklad.Attribute, len(list))
	for _, x := range list {
		m[x.Name] = x
	}
	c.mu.Lock()
	c.by[typ] = m
	c.mu.Unlock()
	a, ok = m[name]
	return a, ok, nil
}
