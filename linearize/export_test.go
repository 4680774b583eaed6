package linearize

// SetSelfTestMutation breaks the FIFO model (1: any dequeue is accepted) until reset
// with 0.
func SetSelfTestMutation(m int) { selfTestMutation = m }
