package fieldauth

import (
	"context"
	"errors"
	"strings"
	"testing"
)

const (
	workerID = "370481198501011235"
	otherID  = "370481199002023359"
)

func TestVerify(t *testing.T) {
	e, err := newEntry(workerID, "246810", minIterations)
	if err != nil {
		t.Fatal(err)
	}
	if e.Card != "370481********1235" || strings.Contains(e.Secret, workerID) || strings.Contains(e.Secret, "246810") {
		t.Fatalf("entry %+v", e)
	}
	r, err := New([]Entry{e})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := r.Verify(ctx, workerID, "246810"); err != nil {
		t.Errorf("the right PIN: %v", err)
	}
	for _, c := range []struct {
		id, pin string
		want    error
	}{
		{workerID, "246811", ErrWrongPIN},
		{workerID, "24681", ErrBadPIN},
		{workerID, "24681a", ErrBadPIN},
		{otherID, "246810", ErrNotWorker},
		// Same mask, another number: not the worker.
		{"370481196901011235", "246810", ErrWrongPIN},
	} {
		if err := r.Verify(ctx, c.id, c.pin); !errors.Is(err, c.want) {
			t.Errorf("Verify(%s, %s) = %v, want %v", c.id[:6], c.pin, err, c.want)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := r.Verify(cancelled, workerID, "246810"); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled verify: %v", err)
	}
}

func TestEntriesAreSalted(t *testing.T) {
	a, _ := newEntry(workerID, "246810", minIterations)
	b, _ := newEntry(workerID, "246810", minIterations)
	if a.Secret == b.Secret {
		t.Error("two entries of the same worker and PIN are equal: no salt")
	}
	if e, err := NewEntry(workerID, "246810"); err != nil || !strings.HasPrefix(e.Secret, "pbkdf2-sha256$600000$") {
		t.Errorf("NewEntry: %+v, %v", e, err)
	}
	if _, err := NewEntry("370481198501011234", "246810"); err == nil {
		t.Error("an ID number with a wrong check digit was taken")
	}
}

func TestMalformedEntries(t *testing.T) {
	good, _ := newEntry(workerID, "246810", minIterations)
	parts := strings.Split(good.Secret, "$")
	for name, e := range map[string]Entry{
		"full ID":        {Card: workerID, Secret: good.Secret},
		"short mask":     {Card: "370481****1235", Secret: good.Secret},
		"other scheme":   {Card: good.Card, Secret: "bcrypt$" + strings.Join(parts[1:], "$")},
		"few iterations": {Card: good.Card, Secret: strings.Join([]string{parts[0], "1000", parts[2], parts[3]}, "$")},
		"bad salt":       {Card: good.Card, Secret: strings.Join([]string{parts[0], parts[1], "!!", parts[3]}, "$")},
		"short hash":     {Card: good.Card, Secret: strings.Join([]string{parts[0], parts[1], parts[2], "AAAA"}, "$")},
		"empty":          {},
	} {
		if _, err := New([]Entry{good, e}); !errors.Is(err, ErrBadEntry) || !strings.Contains(err.Error(), "field worker 2") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzNew(f *testing.F) {
	good, _ := newEntry(workerID, "246810", minIterations)
	f.Add(good.Card, good.Secret)
	f.Add("370481********123X", "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("", "$$$")
	f.Fuzz(func(t *testing.T, card, secret string) {
		r, err := New([]Entry{{Card: card, Secret: secret}})
		if err != nil {
			if !errors.Is(err, ErrBadEntry) {
				t.Fatalf("error not ErrBadEntry: %v", err)
			}
			return
		}
		if r.Len() != 1 {
			t.Fatal("one entry parsed, Len is not 1")
		}
	})
}
