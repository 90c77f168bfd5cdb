package usb

import (
	"errors"
	"fmt"
	"strings"
)

// Match says which USB device Open opens and what it claims.
type Match struct {
	// IDs are the VID:PIDs accepted; at least one is required.
	IDs []ID
	// Bus and Address pick one device when several match; 0 means any.
	Bus, Address int
	// Config is the configuration value to set; 0 means 1.
	Config int
	// Interface and AltSetting select the interface to claim (default 0, 0).
	Interface, AltSetting int
}

// errNoIDs is Open's error for a Match without a VID:PID: opening any
// device at all would detach kernel drivers from keyboards and disks.
var errNoIDs = errors.New("usb: open: the match names no VID:PID")

// withDefaults fills in the configuration and checks the match.
func (m Match) withDefaults() (Match, error) {
	if len(m.IDs) == 0 {
		return m, errNoIDs
	}
	if m.Config == 0 {
		m.Config = 1
	}
	return m, nil
}

// matches reports whether the device at bus/address with id is wanted.
func (m Match) matches(id ID, bus, address int) bool {
	if m.Bus != 0 && m.Bus != bus || m.Address != 0 && m.Address != address {
		return false
	}
	for _, want := range m.IDs {
		if id == want {
			return true
		}
	}
	return false
}

// String lists the VID:PIDs and the bus and address looked for.
func (m Match) String() string {
	ids := make([]string, len(m.IDs))
	for i, id := range m.IDs {
		ids[i] = id.String()
	}
	s := strings.Join(ids, ", ")
	if m.Bus != 0 || m.Address != 0 {
		s += fmt.Sprintf(" at bus %d address %d", m.Bus, m.Address)
	}
	return s
}

// noDevice is the error for a match nothing satisfied.
func (m Match) noDevice() error {
	return fmt.Errorf("%w (looked for %s)", ErrNoDevice, m)
}
