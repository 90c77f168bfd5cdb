package stusim

import "fmt"

// checkLocked reports the first way the pad's state is not one the real pad
// could be in; the fuzz test calls it after every report.
func (p *Pad) checkLocked() error {
	c := p.model.capability
	switch p.st.status {
	case StatusReady, StatusCapture:
		if p.up.active {
			return fmt.Errorf("upload active in status %02x", p.st.status)
		}
	case StatusImage:
		if !p.up.active && p.st.busyUntil.IsZero() {
			return fmt.Errorf("Image status with no upload and no ClearScreen")
		}
	default:
		return fmt.Errorf("status %02x", p.st.status)
	}
	if !p.st.area.validIn(c.ScreenWidth, c.ScreenHeight) {
		return fmt.Errorf("handwriting area %+v", p.st.area)
	}
	if p.st.thickness > 3 {
		return fmt.Errorf("thickness %d", p.st.thickness)
	}
	switch p.st.option {
	case OptionNone, OptionSequence, OptionTimeCountSequence:
	default:
		return fmt.Errorf("option mode %02x", p.st.option)
	}
	if p.st.onPressure > c.TabletMaxPressure || p.st.offPressure > p.st.onPressure {
		return fmt.Errorf("ink threshold %d/%d", p.st.onPressure, p.st.offPressure)
	}
	if p.up.active && (len(p.up.data) > p.up.limit || !p.up.area.In(p.lcd.Rect) || p.up.area.Empty()) {
		return fmt.Errorf("upload of %d bytes (limit %d) into %v", len(p.up.data), p.up.limit, p.up.area)
	}
	if p.lcd.Rect.Dx() != int(c.ScreenWidth) || p.lcd.Rect.Dy() != int(c.ScreenHeight) {
		return fmt.Errorf("LCD %v", p.lcd.Rect)
	}
	if p.nv.brightness > 3 || p.nv.defaultMode < 1 || p.nv.defaultMode > 2 {
		return fmt.Errorf("NVRAM %+v", p.nv)
	}
	return nil
}
