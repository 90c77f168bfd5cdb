package hanvon

import (
	"encoding/binary"
	"fmt"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
)

// USB identity (single source).
const (
	VendorID  = 0x0B57
	ProductID = 0x8420
)

// Report IDs (single source).
const (
	CommandReportID = 0x05 // feature report carrying a Command
	EventReportID   = 0x02 // input report carrying an Event
	// EventReportSize is an event report's length including its ID byte.
	EventReportSize = 8
)

// Command is a two-byte command sent in feature report 5 (single source).
type Command [2]byte

// The commands.
var (
	CmdInit   = Command{0x88, 0x70} // handshake; the pad answers with EventHandshake
	CmdOpen   = Command{0x11, 0x70} // start signing
	CmdClose  = Command{0x22, 0x70} // stop signing
	CmdResign = Command{0x33, 0x70} // clear the signature
)

// String names the command.
func (c Command) String() string {
	switch c {
	case CmdInit:
		return "init"
	case CmdOpen:
		return "open"
	case CmdClose:
		return "close"
	case CmdResign:
		return "resign"
	}
	return fmt.Sprintf("command % X", c[:])
}

// Encode returns the feature report for c: 05, then the two bytes.
func (c Command) Encode() []byte { return []byte{CommandReportID, c[0], c[1]} }

// EventType is what an input report says.
type EventType uint8

// The event types (byte 0 of the event; single source).
const (
	EventUnknown    EventType = iota // a report no pattern matches
	EventMove                        // A0 or A1: the pen moved
	EventDown                        // B0: the tip went down
	EventUp                          // E0: the tip lifted
	EventHandshake                   // 88 00 …: the answer to init
	EventAck                         // 55 05 <command> FF FF FF: a command was done
	EventKeyResign                   // 55 … 00 00: the pad's 重签 key
	EventKeyConfirm                  // 55 … 00 FF: the pad's 确认 key
)

// String names the event type.
func (t EventType) String() string {
	switch t {
	case EventMove:
		return "move"
	case EventDown:
		return "down"
	case EventUp:
		return "up"
	case EventHandshake:
		return "handshake"
	case EventAck:
		return "ack"
	case EventKeyResign:
		return "key resign"
	case EventKeyConfirm:
		return "key confirm"
	}
	return "unknown"
}

// Event is a decoded input report.
type Event struct {
	Type EventType
	// X, Y and Pressure are little-endian at bytes 1–2, 3–4 and 5–6; they
	// mean something for pen events only.
	X, Y, Pressure uint16
	// Acked is the command an EventAck acknowledges.
	Acked Command
	// Raw is the event's seven bytes (after the report ID).
	Raw [7]byte
}

// Decode decodes an input report: report ID 2, then seven bytes (longer
// reports are fine, shorter ones are sigpad.ErrBadReport, as is another
// report ID). The patterns are tried in the source's order: handshake,
// the three acknowledgements, the two keys, up, down, move.
func Decode(b []byte) (Event, error) {
	if len(b) < EventReportSize || b[0] != EventReportID {
		return Event{}, fmt.Errorf("hanvon: input report % X: want report %d with 7 bytes: %w", b[:min(len(b), 8)], EventReportID, sigpad.ErrBadReport)
	}
	var e Event
	copy(e.Raw[:], b[1:8])
	r := e.Raw
	e.X = binary.LittleEndian.Uint16(r[1:3])
	e.Y = binary.LittleEndian.Uint16(r[3:5])
	e.Pressure = binary.LittleEndian.Uint16(r[5:7])
	switch {
	case r[0] == 0x88 && r[1] == 0x00:
		e.Type = EventHandshake
	case r[0] == 0x55 && r[1] == 0x05 && r[4] == 0xFF && r[5] == 0xFF && r[6] == 0xFF &&
		(Command{r[2], r[3]} == CmdOpen || Command{r[2], r[3]} == CmdClose || Command{r[2], r[3]} == CmdResign):
		e.Type, e.Acked = EventAck, Command{r[2], r[3]}
	case r[0] == 0x55 && r[5] == 0x00 && r[6] == 0x00:
		e.Type = EventKeyResign
	case r[0] == 0x55 && r[5] == 0x00 && r[6] == 0xFF:
		e.Type = EventKeyConfirm
	case r[0] == 0xE0:
		e.Type = EventUp
	case r[0] == 0xB0:
		e.Type = EventDown
	case r[0] == 0xA0 || r[0] == 0xA1:
		e.Type = EventMove
	}
	if e.Type != EventMove && e.Type != EventDown && e.Type != EventUp {
		e.X, e.Y, e.Pressure = 0, 0, 0
	}
	return e, nil
}

// Sample converts a pen or key event to the shared Sample, without a
// time; ok is false for the other events. Touching and InProximity are
// inferred (see the package comment): down and moves with pressure touch,
// up leaves.
func (e Event) Sample() (s sigpad.Sample, ok bool) {
	switch e.Type {
	case EventMove, EventDown:
		return sigpad.Sample{X: int(e.X), Y: int(e.Y), Pressure: int(e.Pressure), InProximity: true,
			Touching: e.Type == EventDown || e.Pressure > 0}, true
	case EventUp:
		return sigpad.Sample{X: int(e.X), Y: int(e.Y)}, true
	case EventKeyConfirm:
		return sigpad.Sample{Key: sigpad.KeyConfirm}, true
	case EventKeyResign:
		return sigpad.Sample{Key: sigpad.KeyResign}, true
	}
	return s, false
}
