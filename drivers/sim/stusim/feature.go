package stusim

import (
	"encoding/binary"
	"fmt"
	"image"
)

// getFeatureLocked answers GET_REPORT(Feature) id with a report of size
// bytes, ID first.
func (p *Pad) getFeatureLocked(id byte, size int) ([]byte, error) {
	s, ok := p.model.spec(id)
	if !ok || !s.get {
		return nil, fmt.Errorf("%w: GET_REPORT(Feature %02X): not a readable report of the %s", ErrStall, id, p.model.name)
	}
	if size != s.size {
		return nil, fmt.Errorf("%w: GET_REPORT(Feature %02X) for %d bytes; the report has %d", ErrStall, id, size, s.size)
	}
	p.settleLocked()
	b := make([]byte, s.size)
	b[0] = id
	d := b[1:]
	c := p.model.capability
	switch id {
	case ReportStatus:
		d[0], d[1] = p.st.status, p.st.lastResult
	case ReportInformation:
		copy(d[:9], p.model.name)
		d[9], d[10] = 1, 0 // firmware 1.00
		d[11] = 0          // secureIc
		d[12] = 2          // secureIcVersion 02 00 00 00
	case ReportCapability:
		binary.BigEndian.PutUint16(d[0:], c.TabletMaxX)
		binary.BigEndian.PutUint16(d[2:], c.TabletMaxY)
		binary.BigEndian.PutUint16(d[4:], c.TabletMaxPressure)
		binary.BigEndian.PutUint16(d[6:], c.ScreenWidth)
		binary.BigEndian.PutUint16(d[8:], c.ScreenHeight)
		d[10] = c.MaxReportRate
		binary.BigEndian.PutUint16(d[11:], c.Resolution)
		d[13] = c.EncodingFlag
	case ReportUid:
		copy(d, p.nv.uid[:])
	case ReportUid2:
		copy(d, p.uid2)
	case ReportDefaultMode:
		d[0] = p.nv.defaultMode
	case ReportReportRate:
		d[0] = p.st.reportRate
	case ReportRenderingMode:
		d[0] = p.st.rendering
	case ReportEserial:
		copy(d, p.eserial)
	case ReportInkingMode:
		d[0] = boolByte(p.st.inking)
	case ReportInkThreshold:
		binary.LittleEndian.PutUint16(d[0:], p.st.onPressure)
		binary.LittleEndian.PutUint16(d[2:], p.st.offPressure)
	case ReportHandwritingThicknessColor:
		binary.LittleEndian.PutUint16(d[0:], rgb565(p.st.inkColour))
		d[2] = p.st.thickness
	case ReportBackgroundColor:
		binary.LittleEndian.PutUint16(d[0:], rgb565(p.nv.background))
	case ReportHandwritingDisplayArea:
		putRect(d, p.st.area)
	case ReportBacklightBrightness:
		binary.LittleEndian.PutUint16(d[0:], p.nv.brightness)
	case ReportScreenContrast:
		binary.LittleEndian.PutUint16(d[0:], p.nv.contrast)
	case ReportHandwritingThicknessColor24:
		k := p.st.inkColour
		d[0], d[1], d[2], d[3] = k.B, k.G, k.R, p.st.thickness
	case ReportBackgroundColor24:
		k := p.nv.background
		d[0], d[1], d[2] = k.B, k.G, k.R
	case ReportBootScreen:
		d[0] = p.st.bootScreen
	case ReportPenDataOptionMode:
		d[0] = p.st.option
	}
	return b, nil
}

// setFeatureLocked carries out SET_REPORT(Feature). Like the pad, it
// refuses a report silently: the transfer succeeds and Status tells why in
// lastResultCode. Only a transfer the pad cannot take at all (wrong size)
// fails.
func (p *Pad) setFeatureLocked(r []byte) error {
	if len(r) == 0 {
		return fmt.Errorf("%w: SET_REPORT(Feature) without a report ID", ErrStall)
	}
	id := r[0]
	s, ok := p.model.spec(id)
	if !ok || !s.set {
		p.st.lastResult = ResultWrongReportID
		return nil
	}
	if len(r) != s.size {
		return fmt.Errorf("%w: SET_REPORT(Feature %02X) of %d bytes; the report has %d", ErrStall, id, len(r), s.size)
	}
	p.settleLocked()
	if !s.setStates.has(p.st.status) {
		p.st.lastResult = ResultWrongState
		return nil
	}
	res := p.applyLocked(id, r[1:])
	p.st.lastResult = res
	if res == ResultNone && s.nvram {
		p.nvWrites[id]++
	}
	return nil
}

// applyLocked carries out a set that is allowed in the current state and
// returns its lastResultCode.
func (p *Pad) applyLocked(id byte, d []byte) byte {
	c := p.model.capability
	le := binary.LittleEndian
	switch id {
	case ReportReset:
		switch d[0] {
		case 0:
			p.resetLocked()
		case 1:
			// A hard reset re-enumerates the pad: the host's handle is
			// gone and it must open the pad again.
			p.dropHandlesLocked()
			p.powerUpLocked()
		default:
			return ResultBadParameter
		}
	case ReportUid:
		copy(p.nv.uid[:], d)
	case ReportDefaultMode:
		switch d[0] {
		case 1:
			p.nv.defaultMode = 1
		case 2:
			// Serial mode takes effect after an automatic reboot: the
			// pad leaves the USB HID bus.
			p.nv.defaultMode = 2
			p.plugged = false
			p.dropHandlesLocked()
			return ResultNone
		default:
			return ResultBadParameter
		}
	case ReportReportRate:
		if d[0] != 150 && d[0] != 200 {
			return ResultBadParameter
		}
		p.st.reportRate = d[0] // HID mode stays at 200/s regardless
	case ReportRenderingMode:
		if d[0] > 1 {
			return ResultBadParameter
		}
		p.st.rendering = d[0]
	case ReportEndCapture:
		if d[0] != 0 {
			return ResultBadParameter
		}
		p.st.status = StatusReady
	case ReportClearScreen:
		if d[0] != 0 {
			return ResultBadParameter
		}
		p.fillLocked(p.lcd.Rect, p.backgroundLocked())
		p.ink = inkState{}
		if p.cfg.ClearScreenTime > 0 {
			p.st.resume = p.st.status
			p.st.status = StatusImage
			p.st.busyUntil = p.now().Add(p.cfg.ClearScreenTime)
		}
	case ReportInkingMode:
		if d[0] > 1 {
			return ResultBadParameter
		}
		p.st.inking = d[0] == 1
		p.ink = inkState{}
	case ReportInkThreshold:
		on, off := le.Uint16(d[0:]), le.Uint16(d[2:])
		if on > c.TabletMaxPressure || off > on {
			return ResultBadParameter
		}
		p.st.onPressure, p.st.offPressure = on, off
	case ReportClearScreenArea:
		if d[0] != 0 || d[1] != 1 {
			return ResultBadParameter
		}
		a := getRect(d[2:])
		if !a.validIn(c.ScreenWidth, c.ScreenHeight) {
			return ResultBadArea
		}
		p.fillLocked(a.rect(), p.backgroundLocked())
	case ReportStartImageDataArea:
		if d[1] != 1 {
			return ResultBadParameter
		}
		a := getRect(d[2:])
		if !a.validIn(c.ScreenWidth, c.ScreenHeight) {
			return ResultBadArea
		}
		return p.startImageLocked(d[0], a.rect())
	case ReportStartImageData:
		return p.startImageLocked(d[0], image.Rect(0, 0, int(c.ScreenWidth), int(c.ScreenHeight)))
	case ReportImageDataBlock:
		return p.imageBlockLocked(d)
	case ReportEndImageData:
		switch d[0] {
		case 0:
			return p.endImageLocked(true)
		case 1:
			return p.endImageLocked(false)
		}
		return ResultBadParameter
	case ReportHandwritingThicknessColor:
		if d[2] > 3 {
			return ResultBadParameter
		}
		if p.model.colour {
			p.st.inkColour = fromRGB565(le.Uint16(d[0:]))
		}
		p.st.thickness = d[2]
	case ReportBackgroundColor:
		p.nv.background = fromRGB565(le.Uint16(d[0:]))
	case ReportHandwritingDisplayArea:
		a := getRect(d)
		if !a.validIn(c.ScreenWidth, c.ScreenHeight) {
			return ResultBadArea
		}
		p.st.area = a
		p.ink = inkState{}
	case ReportBacklightBrightness:
		v := le.Uint16(d)
		if v > 3 {
			return ResultBadParameter
		}
		p.nv.brightness = v
	case ReportScreenContrast:
		p.nv.contrast = le.Uint16(d)
	case ReportHandwritingThicknessColor24:
		if d[3] > 3 {
			return ResultBadParameter
		}
		if p.model.colour {
			p.st.inkColour.B, p.st.inkColour.G, p.st.inkColour.R = d[0], d[1], d[2]
		}
		p.st.thickness = d[3]
	case ReportBackgroundColor24:
		p.nv.background.B, p.nv.background.G, p.nv.background.R = d[0], d[1], d[2]
	case ReportBootScreen:
		if d[0] > 1 {
			return ResultBadParameter
		}
		p.st.bootScreen = d[0]
	case ReportPenDataOptionMode:
		switch d[0] {
		case OptionNone, OptionSequence, OptionTimeCountSequence:
			p.st.option = d[0]
		default: // 01 (time count alone) is the STU-520A's
			return ResultBadParameter
		}
	}
	return ResultNone
}

func getRect(d []byte) rect {
	le := binary.LittleEndian
	return rect{le.Uint16(d[0:]), le.Uint16(d[2:]), le.Uint16(d[4:]), le.Uint16(d[6:])}
}

func putRect(d []byte, r rect) {
	le := binary.LittleEndian
	le.PutUint16(d[0:], r.x1)
	le.PutUint16(d[2:], r.y1)
	le.PutUint16(d[4:], r.x2)
	le.PutUint16(d[6:], r.y2)
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}
