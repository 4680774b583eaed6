package barriers

// srcuEvents is the set of SRCU events (Srcu-lock, Srcu-unlock, Sync-srcu); the
// program DSL has no SRCU primitive yet, so it is empty.
func (m *LKMM) srcuEvents() set { return m.x.a.newSet() }
