package ink

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand/v2"
	"testing"
)

// TestDeflateRoundTrip checks the encoder against the standard library's
// decoder on runs of every length, random bytes and the empty input.
func TestDeflateRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := [][]byte{nil, {7}, {0, 0}, {0, 0, 0}, bytes.Repeat([]byte{9}, 100000)}
	for n := 1; n <= 300; n++ {
		b := append([]byte{1}, bytes.Repeat([]byte{5}, n)...)
		cases = append(cases, append(b, 2))
	}
	for range 50 {
		b := make([]byte, rng.IntN(5000))
		for i := range b {
			if rng.IntN(4) == 0 {
				b[i] = byte(rng.IntN(256))
			} else if i > 0 {
				b[i] = b[i-1]
			}
		}
		cases = append(cases, b)
	}
	for _, want := range cases {
		enc := deflate(nil, want)
		got, err := io.ReadAll(flate.NewReader(bytes.NewReader(enc)))
		if err != nil {
			t.Fatalf("%d bytes: decoding: %v", len(want), err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes: round trip gives %d different bytes", len(want), len(got))
		}
	}
}
