package escpos

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// QRLevel is a QR code's error-correction level.
type QRLevel int

const (
	// QRLevelL recovers 7 % of the symbol.
	QRLevelL QRLevel = iota
	// QRLevelM recovers 15 % (the profiles' default).
	QRLevelM
	// QRLevelQ recovers 25 %.
	QRLevelQ
	// QRLevelH recovers 30 %.
	QRLevelH
)

// MaxQRBytes is the longest QR payload a receipt may carry. Receipt QR
// codes are URLs and IDs; at this length a symbol still fits 58 mm paper
// at 2 dots a module.
const MaxQRBytes = 1000

// QRModel2 is GS ( k fn 165 (1D 28 6B 04 00 31 41 32 00): select model 2.
func (e *Encoder) QRModel2() { e.Raw(0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00) }

// QRModuleSize is GS ( k fn 167 (1D 28 6B 03 00 31 43 n): n dots a
// module, 1 to 16.
func (e *Encoder) QRModuleSize(n int) {
	if n < 1 || n > 16 {
		e.fail("GS ( k 167", "module size %d; 1 to 16", n)
		return
	}
	e.Raw(0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, byte(n))
}

// QRErrorLevel is GS ( k fn 169 (1D 28 6B 03 00 31 45 n): n = 48 L, 49
// M, 50 Q, 51 H.
func (e *Encoder) QRErrorLevel(l QRLevel) {
	if l < QRLevelL || l > QRLevelH {
		e.fail("GS ( k 169", "level %d", int(l))
		return
	}
	e.Raw(0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, byte(48+l))
}

// QRStore is GS ( k fn 180 (1D 28 6B pL pH 31 50 30 d1…dk): store k bytes
// of symbol data, pL+256·pH = k+3, k from 1 to 7089. Keep it ASCII: the
// printer's "Kanji" mode means Shift-JIS.
func (e *Encoder) QRStore(data []byte) {
	if len(data) < 1 || len(data) > 7089 {
		e.fail("GS ( k 180", "%d bytes of data; 1 to 7089", len(data))
		return
	}
	n := len(data) + 3
	e.Raw(0x1D, 0x28, 0x6B, byte(n), byte(n>>8), 0x31, 0x50, 0x30)
	e.Raw(data...)
}

// QRPrint is GS ( k fn 181 (1D 28 6B 03 00 31 51 30): print the stored
// symbol; send it at the start of a line.
func (e *Encoder) QRPrint() { e.Raw(0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30) }

// QRNative prints data with the printer's own QR engine: fn 165 (model
// 2), 167, 169, 180 and 181.
func (e *Encoder) QRNative(data []byte, module int, level QRLevel) {
	switch {
	case module < 1 || module > 16:
		e.fail("GS ( k 167", "module size %d; 1 to 16", module)
		return
	case level < QRLevelL || level > QRLevelH:
		e.fail("GS ( k 169", "level %d", int(level))
		return
	case len(data) < 1 || len(data) > 7089:
		e.fail("GS ( k 180", "%d bytes of data; 1 to 7089", len(data))
		return
	}
	e.QRModel2()
	e.QRModuleSize(module)
	e.QRErrorLevel(level)
	e.QRStore(data)
	e.QRPrint()
}

// QRRaster prints data as a QR code drawn here (QRBitmap) and sent with GS
// v 0 in bands of bandRows: what every printer with raster images prints.
func (e *Encoder) QRRaster(data string, level QRLevel, module, bandRows int) {
	bm, err := QRBitmap(data, level, module)
	if err != nil {
		e.fail("QR", "%v", err)
		return
	}
	e.Raster(bm, bandRows)
}

// QRBitmap draws a QR code (model 2, the smallest version that holds
// data, byte mode for non-alphanumeric text) with its four-module quiet
// zone, module dots a module (1 to 16), using github.com/skip2/go-qrcode.
func QRBitmap(data string, level QRLevel, module int) (*Bitmap, error) {
	grid, err := qrGrid(data, level)
	if err != nil {
		return nil, err
	}
	if module < 1 || module > 16 {
		return nil, fmt.Errorf("module size %d; 1 to 16", module)
	}
	return gridBitmap(grid, module), nil
}

// gridBitmap draws QR modules at module dots each.
func gridBitmap(grid [][]bool, module int) *Bitmap {
	n := len(grid)
	bm := NewBitmap(n*module, n*module)
	for y, row := range grid {
		for x, on := range row {
			if !on {
				continue
			}
			for dy := 0; dy < module; dy++ {
				for dx := 0; dx < module; dx++ {
					bm.Set(x*module+dx, y*module+dy)
				}
			}
		}
	}
	return bm
}

// qrGrid is the symbol's modules, quiet zone included, [y][x], true dark.
func qrGrid(data string, level QRLevel) (grid [][]bool, err error) {
	if data == "" {
		return nil, fmt.Errorf("empty QR data")
	}
	if len(data) > MaxQRBytes {
		return nil, fmt.Errorf("QR data of %d bytes; at most %d", len(data), MaxQRBytes)
	}
	var l qrcode.RecoveryLevel
	switch level {
	case QRLevelL:
		l = qrcode.Low
	case QRLevelM:
		l = qrcode.Medium
	case QRLevelQ:
		l = qrcode.High
	case QRLevelH:
		l = qrcode.Highest
	default:
		return nil, fmt.Errorf("QR level %d", int(level))
	}
	// The library is not ours: a panic in it becomes an error here rather
	// than taking the agent down.
	defer func() {
		if p := recover(); p != nil {
			grid, err = nil, fmt.Errorf("QR encoder failed: %v", p)
		}
	}()
	q, err := qrcode.New(data, l)
	if err != nil {
		return nil, err
	}
	return q.Bitmap(), nil
}
