package wlt

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
	"time"
)

func TestFrameReaderSkipsGarbage(t *testing.T) {
	f1 := frame{typ: typePNG, id: 7, payload: bytes.Repeat([]byte("png"), 5000)}
	f2 := frame{typ: typeError, id: 8, payload: []byte{}}
	f3 := frame{typ: typeReady, id: 0, payload: []byte("x")}
	corrupt := appendFrame(nil, frame{typ: typePNG, id: 9, payload: []byte("lost")})
	corrupt[len(corrupt)-6] ^= 0xff // payload byte: payload checksum fails

	var stream []byte
	stream = append(stream, "vendor says hello\n\x89WL"...) // partial magic
	stream = appendFrame(stream, f1)
	stream = append(stream, frameMagic[:]...) // bare magic
	stream = append(stream, corrupt...)
	stream = append(stream, 0x89, 'W', 'L', 'T', 1, 'P', 0, 0, 0, 1, 0x7f, 0xff, 0xff, 0xff) // bogus header
	stream = appendFrame(stream, f2)
	stream = append(stream, "\x89WLT\x01Qjunk"...)
	stream = appendFrame(stream, f3)
	stream = append(stream, "trailing"...)

	for name, r := range map[string]io.Reader{
		"whole":    bytes.NewReader(stream),
		"one byte": iotest.OneByteReader(bytes.NewReader(stream)),
		"half":     iotest.HalfReader(bytes.NewReader(stream)),
	} {
		fr := newFrameReader(r)
		for i, want := range []frame{f1, f2, f3} {
			got, err := fr.next()
			if err != nil {
				t.Fatalf("%s: frame %d: %v", name, i, err)
			}
			if got.typ != want.typ || got.id != want.id || !bytes.Equal(got.payload, want.payload) {
				t.Fatalf("%s: frame %d = {%q %d %d bytes}, want {%q %d %d bytes}",
					name, i, got.typ, got.id, len(got.payload), want.typ, want.id, len(want.payload))
			}
		}
		if _, err := fr.next(); err != io.ErrUnexpectedEOF {
			t.Errorf("%s: after trailing garbage: got %v, want io.ErrUnexpectedEOF", name, err)
		}
		if fr.skipped == 0 {
			t.Errorf("%s: no garbage counted", name)
		}
	}
}

func TestFrameReaderCleanEOF(t *testing.T) {
	fr := newFrameReader(bytes.NewReader(appendFrame(nil, frame{typ: typeRequest, id: 1, payload: make([]byte, WLTSize)})))
	if _, err := fr.next(); err != nil {
		t.Fatal(err)
	}
	if _, err := fr.next(); err != io.EOF {
		t.Errorf("got %v, want io.EOF", err)
	}
	fr = newFrameReader(bytes.NewReader(appendFrame(nil, frame{typ: typeRequest, payload: []byte("abc")})[:20]))
	if _, err := fr.next(); err != io.ErrUnexpectedEOF {
		t.Errorf("truncated frame: got %v, want io.ErrUnexpectedEOF", err)
	}
	boom := errors.New("boom")
	fr = newFrameReader(iotest.ErrReader(boom))
	if _, err := fr.next(); err != boom {
		t.Errorf("read error: got %v, want %v", err, boom)
	}
}

// blockingReader returns its data, then blocks until closed.
type blockingReader struct {
	data []byte
	stop chan struct{}
}

func (b *blockingReader) Read(p []byte) (int, error) {
	if len(b.data) > 0 {
		n := copy(p, b.data)
		b.data = b.data[n:]
		return n, nil
	}
	<-b.stop
	return 0, io.EOF
}

// TestFrameReaderBogusLength checks that garbage holding the magic and a
// huge length does not make the reader wait for that many bytes.
func TestFrameReaderBogusLength(t *testing.T) {
	want := frame{typ: typePNG, id: 3, payload: []byte("picture")}
	data := append([]byte{0x89, 'W', 'L', 'T', 1, 'P', 0, 0, 0, 3, 0, 3, 0xff, 0xff, 0, 0, 0, 0}, appendFrame(nil, want)...)
	r := &blockingReader{data: data, stop: make(chan struct{})}
	defer close(r.stop)
	got := make(chan frame, 1)
	go func() {
		f, _ := newFrameReader(r).next()
		got <- f
	}()
	select {
	case f := <-got:
		if f.id != want.id || !bytes.Equal(f.payload, want.payload) {
			t.Errorf("got %+v, want %+v", f, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reader is waiting for the bogus length")
	}
}

func TestWriteFrameLimit(t *testing.T) {
	if err := writeFrame(io.Discard, frame{typ: typePNG, payload: make([]byte, maxPayload+1)}); err == nil {
		t.Error("oversized payload written")
	}
	var buf bytes.Buffer
	if err := writeFrame(&buf, frame{typ: typePNG, payload: make([]byte, maxPayload)}); err != nil {
		t.Fatal(err)
	}
	if f, err := newFrameReader(&buf).next(); err != nil || len(f.payload) != maxPayload {
		t.Errorf("largest frame: %d bytes, %v", len(f.payload), err)
	}
}

func TestErrorPayloadRoundTrip(t *testing.T) {
	de := &DecodeError{ABI: ABIGetBmp, Symbol: "GetBmp", Code: -5, Detail: "software not licensed"}
	for _, tc := range []struct {
		in   error
		want error
	}{
		{de, ErrDecodeFailed},
		{ErrNoDecoder, ErrNoDecoder},
		{ErrInvalidWLT, ErrInvalidWLT},
		{ErrBadImage, ErrBadImage},
		{ErrConfig, ErrConfig},
	} {
		got := decodeError(encodeError(tc.in))
		if !errors.Is(got, tc.want) {
			t.Errorf("%v came back as %v", tc.in, got)
		}
	}
	var back *DecodeError
	if !errors.As(decodeError(encodeError(de)), &back) || *back != *de {
		t.Errorf("DecodeError came back as %+v", back)
	}
	other := decodeError(encodeError(errors.New("strange")))
	for _, s := range []error{ErrNoDecoder, ErrCrashed, ErrTimeout, ErrDecodeFailed} {
		if errors.Is(other, s) {
			t.Errorf("plain error came back matching %v", s)
		}
	}
	if !errors.Is(decodeError([]byte{1}), ErrCrashed) {
		t.Error("short error payload not reported as a broken child")
	}
}

// FuzzReadFrame feeds arbitrary bytes, as a broken or hostile child could
// write them, to the frame reader. It must not panic, must only return
// well-formed frames within the size limit, and each frame it returns must
// survive re-encoding.
func FuzzReadFrame(f *testing.F) {
	f.Add(appendFrame(nil, frame{typ: typeReady, payload: []byte{}}))
	f.Add(append([]byte("garbage\x89WLT"), appendFrame(nil, frame{typ: typePNG, id: 1, payload: []byte("\x89PNG")})...))
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := newFrameReader(bytes.NewReader(data))
		total := 0
		for range len(data) + 1 {
			got, err := fr.next()
			if err != nil {
				if err != io.EOF && err != io.ErrUnexpectedEOF {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if !knownType(got.typ) || len(got.payload) > maxPayload {
				t.Fatalf("bad frame %q with %d bytes", got.typ, len(got.payload))
			}
			enc := appendFrame(nil, got)
			total += len(enc)
			if total > len(data) {
				t.Fatalf("frames total %d bytes, more than the %d input bytes", total, len(data))
			}
			if !bytes.Contains(data, enc) {
				t.Fatal("returned frame does not occur in the input")
			}
			again, err := newFrameReader(bytes.NewReader(enc)).next()
			if err != nil || again.typ != got.typ || again.id != got.id || !bytes.Equal(again.payload, got.payload) {
				t.Fatalf("re-encoded frame reads back as %+v, %v", again, err)
			}
		}
		t.Fatal("reader returned more frames than input bytes")
	})
}
