package sigpad

import "time"

// Key is a hardware key on the pad itself (not a button drawn on its
// screen, which the agent hit-tests with pen samples).
type Key uint8

// The pad keys the drivers report.
const (
	KeyNone    Key = iota // a pen sample, not a key
	KeyConfirm            // 确认: the signer is done
	KeyResign             // 重签: clear and sign again
)

// String names the key.
func (k Key) String() string {
	switch k {
	case KeyNone:
		return "none"
	case KeyConfirm:
		return "confirm"
	case KeyResign:
		return "resign"
	}
	return "unknown"
}

// Sample is one report from the pad: a pen position, or a key (Key !=
// KeyNone, pen fields zero).
type Sample struct {
	// X, Y and Pressure are in pad units: 0…Capabilities.TabletMaxX,
	// 0…TabletMaxY, 0…MaxPressure.
	X, Y, Pressure int
	// InProximity says the pen is near the surface (hovering or touching);
	// the last sample of a pen leaving has it false.
	InProximity bool
	// Touching says the tip is down (Wacom: sw ≠ 0).
	Touching bool
	// Time is when the pad took the sample: from the pad's own time count,
	// unwrapped and anchored to the host's clock when the sample is the
	// first after Start, if TimeFromPad; else when the host received it.
	Time time.Time
	// TimeFromPad says Time came from the pad's clock.
	TimeFromPad bool
	// Seq is the pad's report counter (16 bits, wraps), if HasSeq.
	Seq    uint16
	HasSeq bool
	// Key is the pad key pressed; KeyNone for pen samples.
	Key Key
}
