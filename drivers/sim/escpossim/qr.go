package escpossim

import (
	"errors"
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// maxQRData is the most data GS ( k fn 180 takes: pL + 256·pH ≤ 7092.
const maxQRData = 7092 - 3

// qrStore is the printer's QR code symbol storage and settings.
type qrStore struct {
	set   bool // settings initialised
	model byte // 49 model 1, 50 model 2, 51 micro
	size  int  // module size in dots
	level int  // 0 L, 1 M, 2 Q, 3 H
	data  []byte
	has   bool
	sym   *qrSymbol // data encoded at level, kept until either changes
}

type qrSymbol struct {
	modules [][]bool
	version int
	err     error
}

var qrLevels = [4]string{"L", "M", "Q", "H"}

// symbol carries out GS ( k: b is the whole command.
func (in *Interpreter) symbol(b []byte) string {
	if !in.cfg.NativeQR {
		return "ignored: this printer has no 2-D symbol engine (Config.NativeQR)"
	}
	if len(b) < 7 {
		return "ignored: too short"
	}
	q := &in.qr
	if !q.set {
		*q = qrStore{set: true, model: 50, size: 3}
	}
	cn, fn, par := b[5], b[6], b[7:]
	if cn != 49 {
		return fmt.Sprintf("ignored: symbology cn=%d is not supported (only QR code, cn=49)", cn)
	}
	switch fn {
	case 65: // 165 select model
		if len(par) < 2 || par[0] < 49 || par[0] > 51 {
			return "ignored: out of range"
		}
		q.model = par[0]
		if par[0] != 50 {
			return "model 1 and micro QR print as model 2 here"
		}
	case 67: // 167 module size
		if len(par) < 1 || par[0] < 1 || par[0] > 16 {
			return "ignored: out of range"
		}
		q.size = int(par[0])
	case 69: // 169 error correction level
		if len(par) < 1 || par[0] < 48 || par[0] > 51 {
			return "ignored: out of range"
		}
		if l := int(par[0] - 48); l != q.level {
			q.level, q.sym = l, nil
		}
	case 80: // 180 store data
		if len(par) < 1 || par[0] != 48 {
			return "ignored: m must be 48"
		}
		data := par[1:]
		if len(data) == 0 {
			return "ignored: no data"
		}
		if len(data) > maxQRData {
			return "ignored: more than 7,089 bytes"
		}
		q.data, q.has, q.sym = append(q.data[:0], data...), true, nil
	case 81: // 181 print
		if len(par) < 1 || par[0] != 48 {
			return "ignored: m must be 48"
		}
		return in.printQR()
	case 82: // 182 transmit size information
		return "ignored: size information is not transmitted"
	default:
		return "ignored: function not supported"
	}
	return ""
}

// printQR prints the stored symbol at the current line.
func (in *Interpreter) printQR() string {
	q := &in.qr
	if !q.has {
		return "nothing stored to print"
	}
	if !in.lineStart() {
		return "ignored: not at the start of a line"
	}
	if q.sym == nil {
		q.sym = encodeQR(q.data, q.level)
	}
	if q.sym.err != nil {
		return "not printed: " + q.sym.err.Error()
	}
	size := len(q.sym.modules) * q.size
	if _, width := in.area(); size > width {
		return "not printed: the symbol is wider than the print area"
	}
	x, _ := in.place(size)
	in.roll.add(&QR{
		Place:   Place{X: x, Y: in.roll.y(), Width: size, Height: size},
		Payload: string(q.data), Module: q.size, Level: qrLevels[q.level],
		Version: q.sym.version, Modules: q.sym.modules,
	})
	in.roll.head += size
	return ""
}

// encodeQR makes a model 2 symbol of data at level (0 L … 3 H), with the
// mode chosen from the data as a printer's encoder does. The encoder is a
// third-party library; a panic in it is turned into an error so that no
// input can bring the interpreter down.
func encodeQR(data []byte, level int) (sym *qrSymbol) {
	defer func() {
		if r := recover(); r != nil {
			sym = &qrSymbol{err: fmt.Errorf("QR encoder failed: %v", r)}
		}
	}()
	lv := [4]qrcode.RecoveryLevel{qrcode.Low, qrcode.Medium, qrcode.High, qrcode.Highest}[level&3]
	c, err := qrcode.New(string(data), lv)
	if err != nil {
		return &qrSymbol{err: errors.New("the data does not fit a QR code symbol")}
	}
	c.DisableBorder = true
	return &qrSymbol{modules: c.Bitmap(), version: c.VersionNumber}
}
