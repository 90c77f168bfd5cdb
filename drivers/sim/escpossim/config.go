package escpossim

import "time"

// Config describes the simulated printer. The zero value is an 80 mm
// Chinese thermal printer with an endless roll, no near-end sensor, no QR
// engine, a 96-dot gap between print head and cutter, printing at
// 1,200 dot rows a second, and no serial pacing.
type Config struct {
	// PaperWidth is the roll's width in millimetres: 58 (384 printable
	// dots) or 80 (576 dots, the default).
	PaperWidth int
	// PaperLength is how many dot rows the roll holds (8 dots a
	// millimetre); 0 means endless.
	PaperLength int
	// NearEnd is the near-end sensor's threshold in dot rows of paper
	// left; 0 means the printer has no near-end sensor, as many cheap
	// models do. When set, the sensor also reports near end while the
	// paper is out.
	NearEnd int
	// Blind makes the printer answer nothing at all, like cheap serial
	// models without a status line.
	Blind bool
	// FourByteGB18030 makes the printer decode four-byte GB18030
	// sequences. Off (the default), it is a two-byte-only printer: it
	// prints such a sequence as the garbage a customer would see.
	FourByteGB18030 bool
	// NativeQR makes GS ( k print QR codes. Off (the default), GS ( k is
	// consumed and ignored, as on the many printers without a QR engine.
	NativeQR bool
	// Baud, when non-zero, paces the line like a serial port at this
	// rate with 10 bits a byte: received bytes are taken in, and replies
	// sent, no faster than the wire carries them.
	Baud int
	// RowsPerSecond is the print speed in dot rows a second; 0 means
	// DefaultRowsPerSecond (150 mm/s), a negative value prints at once.
	RowsPerSecond int
	// CutterGap is the distance from the print head to the cutter, in
	// dot rows: a cut made right after the last line (GS V 0) lands this
	// far above it, and a fresh page starts with this much blank paper.
	// 0 means DefaultCutterGap; a negative value means none.
	CutterGap int
	// ReceiveBuffer is the receive buffer's size in bytes; data beyond it
	// is lost, as on a printer whose host ignores flow control. 0 means
	// DefaultReceiveBuffer; at least 16 KiB. A command larger than half
	// of it (an image, say) is skipped, not printed.
	ReceiveBuffer int
	// Maker and Model are what GS I 66 and GS I 67 answer; empty means
	// "KIOSK" and "SIM-80" (or "SIM-58").
	Maker, Model string
}

// DefaultRowsPerSecond is 150 mm/s at 8 dots a millimetre.
const DefaultRowsPerSecond = 1200

// DefaultCutterGap is the distance between print head and cutter on a
// typical 80 mm receipt printer (12 mm).
const DefaultCutterGap = 96

// DefaultReceiveBuffer is the receive buffer's default size, enough for
// a receipt with several full-width images.
const DefaultReceiveBuffer = 4 << 20

// dots returns the printable width in dots.
func (c Config) dots() int {
	if c.PaperWidth == 58 {
		return 384
	}
	return 576
}

// gap returns the head-to-cutter distance in dot rows.
func (c Config) gap() int {
	switch {
	case c.CutterGap < 0:
		return 0
	case c.CutterGap == 0:
		return DefaultCutterGap
	}
	return min(c.CutterGap, 4096)
}

// rowTime is how long printing rows takes.
func (c Config) rowTime(rows int) time.Duration {
	speed := c.RowsPerSecond
	if speed < 0 || rows <= 0 {
		return 0
	}
	if speed == 0 {
		speed = DefaultRowsPerSecond
	}
	return time.Duration(rows) * time.Second / time.Duration(speed)
}

func (c Config) rxCap() int {
	if c.ReceiveBuffer <= 0 {
		return DefaultReceiveBuffer
	}
	return max(c.ReceiveBuffer, 16<<10)
}

func (c Config) maker() string {
	if c.Maker == "" {
		return "KIOSK"
	}
	return c.Maker
}

func (c Config) model() string {
	if c.Model != "" {
		return c.Model
	}
	if c.PaperWidth == 58 {
		return "SIM-58"
	}
	return "SIM-80"
}

// WireTime is how long n bytes take on a serial line at baud with 8N1
// framing (10 bits a byte).
func WireTime(n, baud int) time.Duration {
	if baud <= 0 {
		return 0
	}
	return time.Duration(n) * 10 * time.Second / time.Duration(baud)
}
