package srcstack

import "github.com/steercheck/steercheck/model"

// Stack holds, per thread, the kernel functions entered and not yet left. The zero
// value is ready to use.
type Stack struct {
	frames map[*model.Thread][]string
}

// Enter says that the statements t emits from now on model kernel function src
// ("detach_buf (drivers/virtio/virtio_ring.c)"), until the returned function restores
// the caller's:
//
//	defer b.src.Enter(t, "detach_buf (drivers/virtio/virtio_ring.c)")()
func (s *Stack) Enter(t *model.Thread, src string) (leave func()) {
	if s.frames == nil {
		s.frames = map[*model.Thread][]string{}
	}
	stack := s.frames[t]
	prev := ""
	if len(stack) > 0 {
		prev = stack[len(stack)-1]
	}
	s.frames[t] = append(stack, src)
	t.Source(src)
	return func() {
		s.frames[t] = s.frames[t][:len(s.frames[t])-1]
		t.Source(prev)
	}
}
