package usbframe

import (
	"strings"
	"testing"
)

func TestFillSinglePipe(t *testing.T) {
	bulk := []uint8{0x83, 0x02, 0x81, 0x01}
	for _, tc := range []struct {
		in, want Layout
	}{
		{SinglePipe{}, SinglePipe{Out: 0x01, In: 0x81}},
		{SinglePipe{Out: 0x02}, SinglePipe{Out: 0x02, In: 0x81}},
		{SinglePipe{In: 0x83}, SinglePipe{Out: 0x01, In: 0x83}},
		{SinglePipe{Out: 0x02, In: 0x83}, SinglePipe{Out: 0x02, In: 0x83}},
		{SplitPipes{}, SplitPipes{}},
	} {
		if got := fillSinglePipe(tc.in, bulk); got != tc.want {
			t.Errorf("fillSinglePipe(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := fillSinglePipe(SinglePipe{}, nil); got != (SinglePipe{}) {
		t.Errorf("no endpoints: %v", got)
	}
	if bulk[0] != 0x83 {
		t.Error("fillSinglePipe reordered the caller's slice")
	}
}

func TestCheckEndpoints(t *testing.T) {
	std := []uint8{0x02, 0x06, 0x81, 0x85}
	for _, tc := range []struct {
		l    Layout
		bulk []uint8
		err  string
	}{
		{SplitPipes{}, std, ""},
		{SplitPipes{}, []uint8{0x02, 0x81, 0x85}, "no bulk endpoint 0x06"},
		{SplitPipes{}, nil, "no bulk endpoint 0x02"},
		{SinglePipe{Out: 0x02, In: 0x81}, std, ""},
		{SinglePipe{Out: 0x03, In: 0x81}, std, "no bulk endpoint 0x03"},
		{SinglePipe{}, std, "not a bulk OUT"},
		{SinglePipe{Out: 0x02}, std, "not a bulk IN"},
	} {
		err := checkEndpoints(tc.l, tc.bulk)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("checkEndpoints(%v, % X) = %v, want %q", tc.l, tc.bulk, err, tc.err)
		}
	}
}
