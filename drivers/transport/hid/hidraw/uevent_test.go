package hidraw

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// The uevent of an STU-540's HID interface, as the kernel writes it.
const stu540Uevent = `DRIVER=hid-generic
HID_ID=0003:0000056A:000000A8
HID_NAME=Wacom Co.,Ltd. STU-540
HID_PHYS=usb-0000:00:14.0-2/input0
HID_UNIQ=
MODALIAS=hid:b0003g0001v0000056Ap000000A8
`

func TestParseUevent(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want Uevent
		err  bool
	}{
		{"stu540", stu540Uevent, Uevent{3, 0x056A, 0x00A8, "Wacom Co.,Ltd. STU-540", "", "usb-0000:00:14.0-2/input0", "hid-generic"}, false},
		{"hanvon", "HID_ID=0003:00000B57:00008420\nHID_NAME=Hanvon ESP370U\nHID_UNIQ=0001A\n",
			Uevent{Bus: 3, Vendor: 0x0B57, Product: 0x8420, Name: "Hanvon ESP370U", Uniq: "0001A"}, false},
		{"bluetooth, lower case", "HID_ID=0005:0000046d:0000b01a\n", Uevent{Bus: 5, Vendor: 0x046D, Product: 0xB01A}, false},
		{"no newline at end", "HID_ID=0003:0000056A:000000A4", Uevent{Bus: 3, Vendor: 0x056A, Product: 0x00A4}, false},
		{"invalid UTF-8 name", "HID_ID=0003:0000056A:000000A4\nHID_NAME=\xff\xfeX\n", Uevent{Bus: 3, Vendor: 0x056A, Product: 0x00A4, Name: "\uFFFDX"}, false},
		{"no HID_ID", "HID_NAME=x\n", Uevent{}, true},
		{"empty", "", Uevent{}, true},
		{"two fields", "HID_ID=0003:0000056A\n", Uevent{}, true},
		{"vendor above 16 bits", "HID_ID=0003:0001056A:000000A8\n", Uevent{}, true},
		{"not hex", "HID_ID=0003:0000056G:000000A8\n", Uevent{}, true},
		{"empty field", "HID_ID=0003::000000A8\n", Uevent{}, true},
		{"too long", "HID_ID=0003:000000000056A:000000A8\n", Uevent{}, true},
		{"sign", "HID_ID=0003:+000056A:000000A8\n", Uevent{}, true},
	} {
		got, err := ParseUevent([]byte(tc.in))
		if tc.err {
			if !errors.Is(err, ErrBadUevent) {
				t.Errorf("%s: %+v %v", tc.name, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %+v %v, want %+v", tc.name, got, err, tc.want)
		}
	}
}

// A fake sysfs: two pads, a node without a uevent, one with a broken one,
// and an entry that is not a hidraw node.
func TestListIn(t *testing.T) {
	root := t.TempDir()
	write := func(name, uevent string) {
		dir := filepath.Join(root, name, "device")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if uevent != "" {
			if err := os.WriteFile(filepath.Join(dir, "uevent"), []byte(uevent), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("hidraw10", "HID_ID=0003:00000B57:00008420\nHID_NAME=Hanvon\n")
	write("hidraw2", stu540Uevent)
	write("hidraw3", "")
	write("hidraw4", "HID_ID=garbage\n")
	write("event0", stu540Uevent)
	got, err := listIn(root, "/dev")
	if err != nil {
		t.Fatal(err)
	}
	want := []hid.Info{
		{Path: "/dev/hidraw2", Vendor: 0x056A, Product: 0x00A8, Name: "Wacom Co.,Ltd. STU-540"},
		{Path: "/dev/hidraw10", Vendor: 0x0B57, Product: 0x8420, Name: "Hanvon"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	if got, err := listIn(filepath.Join(root, "missing"), "/dev"); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("no hidraw class: %v %v", got, err)
	}
}
