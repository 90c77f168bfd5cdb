package usbbulk

import (
	"fmt"
	"strconv"
	"strings"
)

// ID is a USB vendor and product ID pair.
type ID struct{ Vendor, Product uint16 }

// StandardID is the VID:PID that 部标 bulk readers of several brands share.
var StandardID = ID{0x0400, 0xC35A}

// String formats the pair as "0400:C35A".
func (id ID) String() string { return fmt.Sprintf("%04X:%04X", id.Vendor, id.Product) }

// ParseID parses "VVVV:PPPP" (hexadecimal, either case).
func ParseID(s string) (ID, error) {
	v, p, ok := strings.Cut(strings.TrimSpace(s), ":")
	if ok {
		vid, err1 := strconv.ParseUint(v, 16, 16)
		pid, err2 := strconv.ParseUint(p, 16, 16)
		if err1 == nil && err2 == nil && len(v) == 4 && len(p) == 4 {
			return ID{uint16(vid), uint16(pid)}, nil
		}
	}
	return ID{}, fmt.Errorf("usbbulk: %q is not a VID:PID such as 0400:C35A", s)
}

// Candidate is a VID:PID that ID card readers are known to use.
type Candidate struct {
	ID   ID
	Note string
}

// Candidates returns the VID:PIDs List reports (idcard-protocol.md §4.2).
// Only StandardID is opened by default; the others are listed so that a
// diagnostic can name them.
func Candidates() []Candidate {
	return []Candidate{
		{StandardID, "部标 bulk ID card reader (split pipes)"},
		{ID{0x0425, 0x8159}, "Routon/精伦 HID ID card reader (HID framing unpublished; not supported here)"},
		{ID{0x0483, 0x5750}, "accepted as an ID card reader by Telpo (also ST's stock HID example)"},
		{ID{0x28E9, 0x028A}, "accepted as an ID card reader by Telpo"},
		{ID{0x0483, 0xDF11}, "Routon reader in STM32 DFU (firmware update) mode"},
	}
}

// noteFor returns the Candidates note for id, or "".
func noteFor(id ID) string {
	for _, c := range Candidates() {
		if c.ID == id {
			return c.Note
		}
	}
	return ""
}

// DeviceMatch says which USB device OpenDevice opens and how.
type DeviceMatch struct {
	// IDs are the VID:PIDs accepted; empty means StandardID only.
	IDs []ID
	// Bus and Address pick one device when several match; 0 means any.
	Bus, Address int
	// Layout is the endpoint layout; nil means SplitPipes{}.
	Layout Layout
	// Config is the configuration value to set; 0 means 1.
	Config int
	// Interface and AltSetting select the interface to claim (default 0, 0).
	Interface, AltSetting int
	// Timeouts are the Port's timeouts; zero fields take DefaultTimeouts.
	Timeouts Timeouts
}

func (m DeviceMatch) withDefaults() DeviceMatch {
	if len(m.IDs) == 0 {
		m.IDs = []ID{StandardID}
	}
	if m.Layout == nil {
		m.Layout = SplitPipes{}
	}
	if m.Config == 0 {
		m.Config = 1
	}
	return m
}

// matches reports whether the device at bus/address with id is wanted.
func (m DeviceMatch) matches(id ID, bus, address int) bool {
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

// noReader is the error for a match nothing satisfied.
func (m DeviceMatch) noReader() error {
	ids := make([]string, len(m.IDs))
	for i, id := range m.IDs {
		ids[i] = id.String()
	}
	where := ""
	if m.Bus != 0 || m.Address != 0 {
		where = fmt.Sprintf(" at bus %d address %d", m.Bus, m.Address)
	}
	return fmt.Errorf("%w (looked for %s%s)", ErrNoReader, strings.Join(ids, ", "), where)
}

// Info describes a USB device found by List or opened by OpenDevice.
type Info struct {
	ID           ID
	Bus, Address int
	// Manufacturer, Product and Serial are the device's strings; empty
	// when the device has none or could not be opened.
	Manufacturer, Product, Serial string
	// Note says what the VID:PID is known as (see Candidates).
	Note string
	// Problem says why the device could not be opened, e.g. missing
	// permissions; empty when it could.
	Problem string
}

// String formats the device for logs and the devices command.
func (i Info) String() string {
	s := fmt.Sprintf("%s bus %03d address %03d", i.ID, i.Bus, i.Address)
	if name := strings.TrimSpace(i.Manufacturer + " " + i.Product); name != "" {
		s += " " + strconv.Quote(name)
	}
	if i.Serial != "" {
		s += " serial " + strconv.Quote(i.Serial)
	}
	if i.Note != "" {
		s += " (" + i.Note + ")"
	}
	if i.Problem != "" {
		s += ": " + i.Problem
	}
	return s
}
