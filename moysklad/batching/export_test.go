package batching

// Pending is how many writes wait for their batch.
func (c *Client) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, l := range c.writes {
		if l.open != nil {
			n += len(l.open.upds)
		}
		for _, b := range l.closed {
			n += len(b.upds)
		}
	}
	return n
}
