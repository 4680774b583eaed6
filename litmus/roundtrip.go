package litmus

import (
	"fmt"
	"reflect"
)

// roundtrip.go checks the printer's promise: for every tree Parse returns (and every
// tree a generator builds), Parse(Format(t)) is the same tree, positions aside, and
// Format is stable under that round trip.

// CheckRoundTrip formats t, parses the text back under name and formats again. It
// returns nil when the second tree equals t (positions and the file name aside) and
// both texts are the same; otherwise an error that says which and holds the text.
func CheckRoundTrip(name string, t *Test) error {
	text := Format(t)
	t2, err := Parse(name, []byte(text))
	if err != nil {
		return fmt.Errorf("reparse failed: %w\n%s", err, text)
	}
	if text2 := Format(t2); text2 != text {
		return fmt.Errorf("format not stable:\n%s\n---\n%s", text, text2)
	}
	if !equalTrees(reflect.ValueOf(t).Elem(), reflect.ValueOf(t2).Elem()) {
		return fmt.Errorf("trees differ after round trip:\n%s", text)
	}
	return nil
}

var (
	posType  = reflect.TypeOf(Pos{})
	testType = reflect.TypeOf(Test{})
)

// equalTrees is reflect.DeepEqual for syntax trees, except that positions (every Pos)
// and the test's file name are not compared.
func equalTrees(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		if a.Elem().Type() != b.Elem().Type() {
			return false
		}
		return equalTrees(a.Elem(), b.Elem())
	case reflect.Slice:
		if a.Len() != b.Len() || a.IsNil() != b.IsNil() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !equalTrees(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		if a.Type() == posType {
			return true
		}
		for i := 0; i < a.NumField(); i++ {
			if a.Type() == testType && a.Type().Field(i).Name == "File" {
				continue
			}
			if !equalTrees(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return a.Equal(b)
}
