package documents

import (
	"testing"
)

// Time to render each document, fonts already loaded (the first
// document a Renderer renders also reads its fonts: see
// BenchmarkFirstDocument). The signed documents render twice (the text,
// then the record).
func BenchmarkCommitmentSigned(b *testing.B) {
	r := testRenderer(b)
	c, _ := signedCommitment(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Commitment(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCommitmentText(b *testing.B) {
	r := testRenderer(b)
	c := commitment()
	for b.Loop() {
		if _, err := r.Commitment(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAuthorizationSigned(b *testing.B) {
	r := testRenderer(b)
	a, _ := signedAuthorization(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Authorization(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReceipt(b *testing.B) {
	r := testRenderer(b)
	rc := receipt()
	for b.Loop() {
		if _, err := r.Receipt(rc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNotice(b *testing.B) {
	r := testRenderer(b)
	n := notice()
	for b.Loop() {
		if _, err := r.Notice(n); err != nil {
			b.Fatal(err)
		}
	}
}

// A new Renderer (finding and measuring the fonts) and its first
// document (reading the faces it needs into gopdf).
func BenchmarkFirstDocument(b *testing.B) {
	c := commitment()
	for b.Loop() {
		r, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Commitment(c); err != nil {
			b.Fatal(err)
		}
	}
}
