// Package srcstack follows, while a model is built, which kernel function each DSL
// thread's statements model, so that model.Thread.Source is set on the way into a
// function and restored on the way out, as a call stack would.
//
// Index:
//   - srcstack.go  Stack, Enter
package srcstack
