package usbbulk

import (
	"errors"
	"strings"
	"testing"
)

func TestParseID(t *testing.T) {
	for in, want := range map[string]ID{
		"0400:C35A":   StandardID,
		"0400:c35a":   StandardID,
		" 0425:8159 ": {0x0425, 0x8159},
	} {
		got, err := ParseID(in)
		if err != nil || got != want {
			t.Errorf("ParseID(%q) = %v, %v; want %v", in, got, err, want)
		}
		if in == "0400:c35a" && got.String() != "0400:C35A" {
			t.Errorf("String() = %q", got.String())
		}
	}
	for _, in := range []string{"", "0400", "0400:", "400:C35A", "0400:C35AA", "04000:C35A", "0400-C35A", "zz00:C35A", "+400:C35A"} {
		if _, err := ParseID(in); err == nil {
			t.Errorf("ParseID(%q) succeeded", in)
		}
	}
}

func TestDeviceMatch(t *testing.T) {
	m := DeviceMatch{}.withDefaults()
	if len(m.IDs) != 1 || m.IDs[0] != StandardID || m.Config != 1 || m.Interface != 0 || m.Layout != (SplitPipes{}) {
		t.Fatalf("defaults: %+v", m)
	}
	if !m.matches(StandardID, 3, 7) || m.matches(ID{0x0425, 0x8159}, 3, 7) {
		t.Error("default match should take 0400:C35A only")
	}
	m = DeviceMatch{IDs: []ID{{0x0483, 0x5750}, StandardID}, Bus: 2, Address: 5}.withDefaults()
	if !m.matches(StandardID, 2, 5) || m.matches(StandardID, 2, 6) || m.matches(StandardID, 1, 5) || !m.matches(ID{0x0483, 0x5750}, 2, 5) {
		t.Error("bus/address filter wrong")
	}
	err := m.noReader()
	if !errors.Is(err, ErrNoReader) || !strings.Contains(err.Error(), "0483:5750, 0400:C35A at bus 2 address 5") {
		t.Errorf("noReader: %v", err)
	}
}

func TestCandidates(t *testing.T) {
	c := Candidates()
	if c[0].ID != StandardID {
		t.Errorf("first candidate %v, want the standard reader", c[0].ID)
	}
	seen := map[ID]bool{}
	for _, k := range c {
		if seen[k.ID] || k.Note == "" {
			t.Errorf("candidate %v repeated or without note", k.ID)
		}
		seen[k.ID] = true
	}
	if noteFor(ID{0x1234, 0x5678}) != "" || noteFor(StandardID) == "" {
		t.Error("noteFor wrong")
	}
	c[0].ID = ID{} // callers get their own copy
	if Candidates()[0].ID != StandardID {
		t.Error("Candidates shares state")
	}
}

func TestInfoString(t *testing.T) {
	i := Info{ID: StandardID, Bus: 1, Address: 4, Manufacturer: "Synjones", Product: "IDR", Serial: "0001", Note: noteFor(StandardID)}
	want := `0400:C35A bus 001 address 004 "Synjones IDR" serial "0001" (部标 bulk ID card reader (split pipes))`
	if got := i.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	i = Info{ID: StandardID, Bus: 1, Address: 4, Problem: "cannot be opened: libusb: bad access [code -3]"}
	if got := i.String(); got != "0400:C35A bus 001 address 004: cannot be opened: libusb: bad access [code -3]" {
		t.Errorf("got %s", got)
	}
}
