package sigpad

import (
	"encoding/binary"
	"encoding/json"
	"image"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// FuzzInput feeds sigpad.input params (JSON from a client) through the
// protocol's strict decoding and checkInput: no panic, and what passes
// is inside the canvas, with sane pressure, switch and time.
func FuzzInput(f *testing.F) {
	for _, seed := range []string{
		`{"samples":[[0,10,10,0,1],[16,20,12,500,1],[32,25,14,0,0]],"width":600,"height":300}`,
		`{"samples":[],"width":1,"height":1}`,
		`{"samples":[[0,0,0,0,0]],"width":10000,"height":10000}`,
		`{"samples":[[5,1,1,0,1],[4,1,1,0,1]],"width":600,"height":300}`,
		`{"samples":[[9223372036854775807,1,1,1000,1]],"width":600,"height":300}`,
		`{"samples":[[0,-1,1,0,1]],"width":600,"height":300}`,
		`{"samples":[[0,1,1]],"width":600,"height":300}`,
		`{"samples":"x","width":600}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p protocol.InputParams
		if err := protocol.DecodeParams(json.RawMessage(data), &p); err != nil {
			return
		}
		if err := checkInput(p.Samples, p.Width, p.Height); err != nil {
			return
		}
		var rec recorder
		for i, s := range p.Samples {
			if s[1] < 0 || s[1] > p.Width || s[2] < 0 || s[2] > p.Height || s[3] < 0 || s[3] > ScreenPressure || (s[4] != 0 && s[4] != 1) {
				t.Fatalf("checkInput passed sample %d %v of a %d×%d canvas", i, s, p.Width, p.Height)
			}
			got := rec.add(s[0], s[1], s[2], s[3], s[4] != 0)
			if got[ink.SampleT] < 0 || (i > 0 && got[ink.SampleT] < rec.samples[i-1][ink.SampleT]) {
				t.Fatalf("recorded time runs backwards: %v", rec.samples)
			}
		}
	})
}

// FuzzPadGeometry feeds arbitrary pen samples (coordinates and pressures
// out of range included, as a confused pad may send) through the hit
// testing: no panic, ink always inside the box and the pressure range.
func FuzzPadGeometry(f *testing.F) {
	f.Add([]byte{0x10, 0x27, 0x10, 0x10, 0x00, 0x02, 0x03, 0x00})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00})
	caps := sigpad.Capabilities{TabletMaxX: 10800, TabletMaxY: 6480, MaxPressure: 1023, ScreenWidth: 800, ScreenHeight: 480}
	prompt := &Prompt{Box: image.Rect(22, 228, 778, 394), Buttons: map[string]image.Rectangle{
		ButtonCancel: image.Rect(22, 406, 262, 468), ButtonRetry: image.Rect(276, 406, 516, 468), ButtonConfirm: image.Rect(530, 406, 778, 468)}}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := newPadGeometry(caps, prompt, true)
		for len(data) >= 8 {
			s := sigpad.Sample{
				X: int(int16(binary.LittleEndian.Uint16(data))), Y: int(int16(binary.LittleEndian.Uint16(data[2:]))),
				Pressure: int(int16(binary.LittleEndian.Uint16(data[4:]))), InProximity: data[6]&1 != 0, Touching: data[6]&2 != 0,
				Key: sigpad.Key(data[7] % 4), Time: time.Unix(0, 0),
			}
			data = data[8:]
			rec, button := g.feed(s)
			if rec != nil {
				if rec[ink.SampleX] < 0 || rec[ink.SampleX] > g.w || rec[ink.SampleY] < 0 || rec[ink.SampleY] > g.h ||
					rec[ink.SamplePressure] < 0 || rec[ink.SamplePressure] > int64(caps.MaxPressure) {
					t.Fatalf("sample %+v made ink %v outside the box %d×%d", s, rec, g.w, g.h)
				}
				if button != "" {
					t.Fatalf("one sample made ink and pressed %s", button)
				}
			}
			switch button {
			case "", ButtonConfirm, ButtonRetry, ButtonCancel:
			default:
				t.Fatalf("unknown button %q", button)
			}
		}
	})
}
