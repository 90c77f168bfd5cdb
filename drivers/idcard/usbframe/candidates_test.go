package usbframe

import (
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

func TestMatchDefaults(t *testing.T) {
	m := Match{}.withDefaults()
	if len(m.USB.IDs) != 1 || m.USB.IDs[0] != StandardID || m.USB.Config != 0 || m.USB.Interface != 0 || m.Layout != (SplitPipes{}) {
		t.Fatalf("defaults: %+v", m)
	}
	ids := []usb.ID{{Vendor: 0x0483, Product: 0x5750}, StandardID}
	m = Match{USB: usb.Match{IDs: ids, Bus: 2, Address: 5}, Layout: SinglePipe{Out: 1, In: 0x82}}.withDefaults()
	if len(m.USB.IDs) != 2 || m.USB.Bus != 2 || m.USB.Address != 5 || m.Layout != (SinglePipe{Out: 1, In: 0x82}) {
		t.Errorf("given fields changed: %+v", m)
	}
}

func TestCandidates(t *testing.T) {
	c := Candidates()
	if c[0].ID != StandardID {
		t.Errorf("first candidate %v, want the standard reader", c[0].ID)
	}
	seen := map[usb.ID]bool{}
	for _, k := range c {
		if seen[k.ID] || k.Note == "" {
			t.Errorf("candidate %v repeated or without note", k.ID)
		}
		seen[k.ID] = true
	}
	if noteFor(usb.ID{Vendor: 0x1234, Product: 0x5678}) != "" || noteFor(StandardID) == "" {
		t.Error("noteFor wrong")
	}
	c[0].ID = usb.ID{} // callers get their own copy
	if Candidates()[0].ID != StandardID {
		t.Error("Candidates shares state")
	}
}

func TestInfoString(t *testing.T) {
	i := infoOf(usb.Info{ID: StandardID, Bus: 1, Address: 4, Manufacturer: "Synjones", Product: "IDR", Serial: "0001"})
	want := `0400:C35A bus 001 address 004 "Synjones IDR" serial "0001" (部标 bulk ID card reader (split pipes))`
	if got := i.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	i = infoOf(usb.Info{ID: StandardID, Bus: 1, Address: 4, Problem: "cannot be opened: libusb: bad access [code -3]"})
	want = "0400:C35A bus 001 address 004 (部标 bulk ID card reader (split pipes)): cannot be opened: libusb: bad access [code -3]"
	if got := i.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	i = infoOf(usb.Info{ID: usb.ID{Vendor: 0x1234, Product: 0x5678}, Bus: 2, Address: 9})
	if got := i.String(); got != "1234:5678 bus 002 address 009" {
		t.Errorf("an unknown device: %s", got)
	}
}
