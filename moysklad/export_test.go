package moysklad

// SetBatchBytes lowers the body bound of a client's mass updates, so a
// test can show the split without sending 10 MB.
func SetBatchBytes(c *Client, n int) { c.batchBytes = n }
