package usb

import (
	"errors"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

func TestMatch(t *testing.T) {
	std := ID{0x0400, 0xC35A}
	if _, err := (Match{}).withDefaults(); !errors.Is(err, errNoIDs) {
		t.Fatalf("a match without IDs: %v", err)
	}
	m, err := Match{IDs: []ID{std}}.withDefaults()
	if err != nil || m.Config != 1 || m.Interface != 0 || m.AltSetting != 0 {
		t.Fatalf("defaults: %+v, %v", m, err)
	}
	if !m.matches(std, 3, 7) || m.matches(ID{0x0425, 0x8159}, 3, 7) {
		t.Error("match should take 0400:C35A only")
	}
	m, _ = Match{IDs: []ID{{0x0483, 0x5750}, std}, Bus: 2, Address: 5, Config: 2}.withDefaults()
	if m.Config != 2 {
		t.Errorf("Config %d, want the 2 given", m.Config)
	}
	if !m.matches(std, 2, 5) || m.matches(std, 2, 6) || m.matches(std, 1, 5) || !m.matches(ID{0x0483, 0x5750}, 2, 5) {
		t.Error("bus/address filter wrong")
	}
	err = m.noDevice()
	if !errors.Is(err, ErrNoDevice) || !strings.Contains(err.Error(), "0483:5750, 0400:C35A at bus 2 address 5") {
		t.Errorf("noDevice: %v", err)
	}
	// A device that is not there also went away: the agent reopens after
	// an unplug.
	if !errors.Is(err, transport.ErrNotFound) || !errors.Is(err, transport.ErrDisconnected) {
		t.Errorf("noDevice %v does not match ErrNotFound and ErrDisconnected", err)
	}
	if errors.Is(err, transport.ErrBusy) || errors.Is(err, transport.ErrClosed) {
		t.Errorf("noDevice %v matches too much", err)
	}
}
