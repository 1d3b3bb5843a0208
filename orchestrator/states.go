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

// ErrUnknownState means a configured status does not exist in MoySklad.
type ErrUnknownState struct{ Type, Name string }

func (e *ErrUnknownState) Error() string {
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
	return moysklad.State{}, &ErrUnknownState{Type: typ, Name: name}
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

// ensure creates the status when it is missing.
func (c *stateCache) ensure(ctx context.Context, typ, name, kind string) (created bool, err error) {
	c.mu.Lock()
	_, loaded := c.by[typ]
	_, exists := c.by[typ][name]
	c.mu.Unlock()
	if !loaded {
		if err := c.load(ctx, typ); err != nil {
			return false, err
		}
		c.mu.Lock()
		_, exists = c.by[typ][name]
		c.mu.Unlock()
	}
	if exists {
		return false, nil
	}
	s, err := c.ms.CreateState(ctx, typ, moysklad.State{Name: name, Color: colorOf(kind), StateType: kind})
	if err != nil {
		return false, fmt.Errorf("create status %q for %s: %w", name, typ, err)
	}
	c.mu.Lock()
	c.by[typ][name] = *s
	c.mu.Unlock()
	return true, nil
}

// colorOf picks MoySklad colours: green for success, red for errors, blue
// otherwise.
func colorOf(kind string) int64 {
	switch kind {
	case moysklad.StateSuccessful:
		return 0x22B14C
	case moysklad.StateUnsuccessful:
		return 0xED1C24
	}
	return 0x3F48CC
}
