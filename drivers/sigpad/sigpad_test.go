package sigpad

import (
	"image"
	"testing"
)

func TestScreenPoint(t *testing.T) {
	c := Capabilities{TabletMaxX: 9600, TabletMaxY: 6000, ScreenWidth: 320, ScreenHeight: 200}
	for _, tc := range []struct {
		x, y int
		want image.Point
	}{
		{0, 0, image.Pt(0, 0)},
		{4800, 3000, image.Pt(160, 100)},
		{9600, 6000, image.Pt(319, 199)}, // the maximum is on the screen
		{20000, -5, image.Pt(319, 0)},
	} {
		if got := c.ScreenPoint(tc.x, tc.y); got != tc.want {
			t.Errorf("%d,%d: %v, want %v", tc.x, tc.y, got, tc.want)
		}
	}
	if got := (Capabilities{}).ScreenPoint(5, 5); got != (image.Point{}) {
		t.Error(got)
	}
	if c.Screen() != image.Rect(0, 0, 320, 200) {
		t.Error(c.Screen())
	}
}

func TestStrings(t *testing.T) {
	if s := (EncodingMono | EncodingMonoZlib | EncodingBGR24).String(); s != "mono+zlib+bgr24" {
		t.Error(s)
	}
	if s := Encoding(0).String(); s != "none" {
		t.Error(s)
	}
	if !(EncodingMono | EncodingBGR24).Has(EncodingBGR24) || EncodingMono.Has(EncodingMono|EncodingBGR24) {
		t.Error("Has")
	}
	i := Info{Vendor: "Hanvon", Model: "ESP370U", VendorID: 0x0B57, ProductID: 0x8420}
	if s := i.String(); s != "Hanvon ESP370U (0B57:8420)" {
		t.Error(s)
	}
	if KeyConfirm.String() != "confirm" || KeyResign.String() != "resign" || Key(9).String() != "unknown" {
		t.Error("keys")
	}
}
