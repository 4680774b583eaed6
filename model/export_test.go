package model

import (
	"sync/atomic"
	"time"
)

// Test hooks: break the explorer on purpose (see selfTestMutation).
const (
	MutNone       = mutNone
	MutDropOldest = mutDropOldest
	MutNoMaximal  = mutNoMaximal
	MutNoRevisits = mutNoRevisits
	MutReplayCo   = mutReplayCo
)

// SetOpenPairSteps lowers the second phase's analysis bound until restore is called.
func SetOpenPairSteps(n int64) (restore func()) {
	old := openPairSteps
	openPairSteps = n
	return func() { openPairSteps = old }
}

// CheapDomains returns p's cheap value domains (shapes.go) and the steps they took,
// computed with cheapDomains' skip of unchanged walks, or without it when
// everyRound.
func CheapDomains(p *Program, everyRound bool) ([][]Value, int64) {
	walkEveryRound = everyRound
	defer func() { walkEveryRound = false }()
	c := &candidates{explorer: explorer{prog: p.Seal(), start: time.Now()}}
	c.cheapDomains()
	return c.domain, c.steps
}

// SetSelfTestMutation breaks the explorer until reset with MutNone.
func SetSelfTestMutation(m int) { selfTestMutation = m }

// OpenPairsByPaths is OpenPairs computed the way it was before shapes.go: over every
// thread path of the candidate enumerator, with its precise value domains. The shapes
// must find every pair it finds.
func OpenPairsByPaths(p *Program, m LocalOrder) ([]OpenPair, Result) {
	c := &candidates{explorer: explorer{prog: p.Seal(), start: time.Now()}}
	seen := map[OpenPair]bool{}
	if c.domains() && !c.stopped {
		c.enumPaths()
		c.openTraces(m, seen)
	}
	return sortedPairs(seen), Result{Reason: c.reason}
}

// Exit and mixed modes of the second phase (exitcut.go).
const (
	ExitAuto    = exitAuto
	ExitAlways  = exitAlways
	ExitNever   = exitNever
	ExitReverse = exitReverse
	ExitSplit   = exitSplit
)

// SetExitMode overrides the second phase's choice of mode until reset with ExitAuto.
func SetExitMode(m int) { exitModeUse = m }

// ExitModeRuns counts the second phases run in exit mode so far.
func ExitModeRuns() int64 { return atomic.LoadInt64(&exitModeRuns) }

// SetPieceSizes sets how many nodes ExploreParallel's level should hold and how many
// pieces they are grouped into (parallel.go), returning a function that restores them.
func SetPieceSizes(nodes, pieces int64) func() {
	n, p := pieceNodes, maxPieces
	pieceNodes, maxPieces = nodes, pieces
	return func() { pieceNodes, maxPieces = n, p }
}

// MixedModeRuns counts the second phases run in mixed mode so far.
func MixedModeRuns() int64 { return atomic.LoadInt64(&mixedModeRuns) }

// SetHMCMaximality turns ExploreHMC's revisit condition (hmcmax.go) on or off.
func SetHMCMaximality(on bool) { hmcNoMaximality = !on }

// SetHMCMemory turns ExploreHMC's memory of expanded and visited graphs off or on.
func SetHMCMemory(on bool) { hmcNoMemory = !on }
