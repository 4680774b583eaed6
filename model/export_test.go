package model

// Test hooks: break the explorer on purpose (see selfTestMutation).
const (
	MutNone       = mutNone
	MutDropOldest = mutDropOldest
	MutNoMaximal  = mutNoMaximal
	MutNoRevisits = mutNoRevisits
	MutReplayCo   = mutReplayCo
)

// SetSelfTestMutation breaks the explorer until reset with MutNone.
func SetSelfTestMutation(m int) { selfTestMutation = m }
