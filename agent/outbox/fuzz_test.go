package outbox

import (
	"bytes"
	"errors"
	"testing"
)

// fuzzSealer seals with a fixed key.
func fuzzSealer(t testing.TB) *sealer {
	s, err := newSealer(bytes.Repeat([]byte{7}, keySize))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// FuzzDecode feeds stored rows — damaged ciphertexts, truncated or
// swapped fields, odd states — to the decoder: it never panics, fails
// only with a *CorruptError that names the field and says why, and
// accepts only what was sealed for that item.
func FuzzDecode(f *testing.F) {
	s := fuzzSealer(f)
	k := "0b6f5a8e-93c3-4a57-9d7e"
	payload, _ := s.seal([]byte(`{"name":"张三"}`), ad("payload", KindApplication, k))
	lastErr, _ := s.seal([]byte("503"), ad("error", KindApplication, k))
	f.Add(k, "application", int64(dbPending), int64(0), int64(0), payload, lastErr)
	f.Add(k, "application", int64(dbFailed), int64(3), int64(1), payload, lastErr)
	f.Add(k, "application", int64(dbDelivered), int64(1), int64(0), []byte{}, []byte{})
	f.Add(k, "evidence", int64(dbPending), int64(0), int64(0), payload, []byte(nil))
	f.Add(k, "application", int64(dbPending), int64(0), int64(0), payload[:len(payload)-1], []byte(nil))
	f.Add(k, "application", int64(dbPending), int64(0), int64(0), payload[:sealOverhead-1], []byte(nil))
	f.Add(k, "application", int64(dbPending), int64(0), int64(0), append([]byte{2}, payload[1:]...), []byte(nil))
	f.Add(k, "application", int64(7), int64(0), int64(0), payload, []byte(nil))
	f.Add("37048119900307123X-key", "application", int64(0), int64(0), int64(0), payload, []byte(nil))
	f.Add(k, "application", int64(0), int64(-1), int64(2), payload, lastErr[:5])
	f.Fuzz(func(t *testing.T, key, kind string, state, attempts, failing int64, payload, lastErr []byte) {
		raw := rawRow{ID: 42, Key: key, Kind: kind, State: state, Attempts: attempts, Failing: failing,
			Created: 1, NextAt: 1, Payload: payload, LastError: lastErr}
		it, err := s.decode(raw)
		if err != nil {
			var ce *CorruptError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) || ce.ID != 42 || ce.Field == "" || ce.Reason == "" {
				t.Fatalf("error %#v is not a *CorruptError naming a field", err)
			}
			if len(key) > 10 && bytes.Contains([]byte(err.Error()), []byte(key)) {
				t.Fatalf("the error repeats the key: %v", err)
			}
			return
		}
		if it.Key != key || string(it.Kind) != kind || it.ID != 42 {
			t.Fatalf("decoded %+v from another row", it)
		}
		if it.Payload != nil && (it.Key != k || it.Kind != KindApplication || string(it.Payload) != `{"name":"张三"}`) {
			t.Fatalf("opened a payload that was not sealed for this item: %+v", it)
		}
	})
}

// FuzzKeyFile: a damaged key file is ErrKeyInvalid, never a panic, and
// only a well-formed one gives a key.
func FuzzKeyFile(f *testing.F) {
	f.Add([]byte(keyHeader + "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"))
	f.Add([]byte(keyHeader + "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\r\n"))
	f.Add([]byte(keyHeader))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := parseKey("outbox-key", data)
		if err != nil {
			if !errors.Is(err, ErrKeyInvalid) {
				t.Fatalf("error %v is not ErrKeyInvalid", err)
			}
			return
		}
		if len(key) != keySize {
			t.Fatalf("a %d-byte key", len(key))
		}
	})
}
