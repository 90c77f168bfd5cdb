package usb

import "testing"

func TestInfoString(t *testing.T) {
	i := Info{ID: ID{0x0400, 0xC35A}, Bus: 1, Address: 4, Manufacturer: "Synjones", Product: "IDR", Serial: "0001"}
	want := `0400:C35A bus 001 address 004 "Synjones IDR" serial "0001"`
	if got := i.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	i = Info{ID: ID{0x0400, 0xC35A}, Bus: 1, Address: 4, Problem: "cannot be opened: libusb: bad access [code -3]"}
	if got := i.String(); got != "0400:C35A bus 001 address 004: cannot be opened: libusb: bad access [code -3]" {
		t.Errorf("got %s", got)
	}
	if got := i.Name(); got != "0400:C35A bus 001 address 004" {
		t.Errorf("Name() = %s", got)
	}
}
