package srcstack

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/steercheck/steercheck/model"
)

// Nested functions: each statement carries the innermost function entered, and
// leaving one restores its caller's.
func TestEnterRestoresTheCaller(t *testing.T) {
	p := model.NewProgram("p")
	x := p.Var("x", 0)
	th := p.Thread("cpu0", "cpu")
	var s Stack
	outer := s.Enter(th, "outer")
	th.Site("a").Write(x, 1)
	inner := s.Enter(th, "inner")
	th.Site("b").Write(x, 2)
	inner()
	th.Site("c").Write(x, 3)
	outer()
	th.Site("d").Write(x, 4)
	var got []string
	for _, in := range th.Code {
		got = append(got, in.Src)
	}
	assert.Equal(t, []string{"outer", "inner", "outer", ""}, got)
}
