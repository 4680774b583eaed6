// Package barriers holds steercheck's memory models.
//
// A Model is a consistency predicate over execution graphs (model.ExecutionGraph): the
// explorer asks it, every time the graph grows, whether the graph so far is allowed.
// Every model must be prefix-closed (a rejected graph stays rejected as it grows).
//
// Index:
//   - model.go  the Model interface, the registry of models by name (New, Names)
//   - sc.go     sequential consistency: acyclic(po ∪ rf ∪ co ∪ fr)
package barriers
