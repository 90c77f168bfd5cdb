package pairing

import (
	"fmt"
	"testing"
)

// BenchmarkCheckUnchanged measures Check of a valid token when the file
// has not changed (a stat, a hash, a compare); the goal is under 10 µs.
func BenchmarkCheckUnchanged(b *testing.B) {
	s := newStore(b)
	for i := range 10 {
		add(b, s, AddRequest{Origin: fmt.Sprintf("https://o%d.example.gov.cn", i), Fields: []string{"name"}})
	}
	tok, _ := add(b, s, AddRequest{Origin: zwfw, Fields: []string{"name"}})
	for b.Loop() {
		if _, ok := s.Check(zwfw, tok); !ok {
			b.Fatal("Check failed")
		}
	}
}
