package stusim

import (
	"image"
	"image/color"
	"time"
)

// settings are the pad's volatile state, restored by Reset.
type settings struct {
	status      byte
	lastResult  byte
	busyUntil   time.Time // ClearScreen: Image state until then
	resume      byte      // the status to return to after it
	inking      bool
	onPressure  uint16
	offPressure uint16
	area        rect
	inkColour   color.RGBA
	thickness   byte
	option      byte
	rendering   byte
	bootScreen  byte
	reportRate  byte
}

func defaultSettings(c Capability) settings {
	return settings{
		status:      StatusReady,
		inking:      true,
		onPressure:  21,
		offPressure: 16,
		area:        rect{0, 0, c.ScreenWidth - 1, c.ScreenHeight - 1},
		inkColour:   color.RGBA{0, 0, 0, 0xFF},
		thickness:   1,
		bootScreen:  1,
		reportRate:  200,
	}
}

// nvram holds the settings the pad keeps across resets and power cycles.
type nvram struct {
	uid         [4]byte
	background  color.RGBA
	brightness  uint16
	contrast    uint16
	defaultMode byte
}

func defaultNVRAM() nvram {
	return nvram{background: color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}, brightness: 3, contrast: 0, defaultMode: 1}
}

// rect is an LCD rectangle as the pad sends it: both corners inclusive.
type rect struct{ x1, y1, x2, y2 uint16 }

func (r rect) rect() image.Rectangle {
	return image.Rect(int(r.x1), int(r.y1), int(r.x2)+1, int(r.y2)+1)
}

// validIn reports whether r is ordered and lies on a w×h screen.
func (r rect) validIn(w, h uint16) bool {
	return r.x1 <= r.x2 && r.y1 <= r.y2 && r.x2 < w && r.y2 < h
}
