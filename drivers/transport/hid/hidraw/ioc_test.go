package hidraw

import "testing"

// The request numbers hidapi and the kernel header give for these sizes.
func TestFeatureIoctlNumbers(t *testing.T) {
	for _, tc := range []struct {
		l    iocLayout
		set  bool
		size int
		want uint
	}{
		{layoutGeneric, true, 256, 0xC1004806},  // HIDIOCSFEATURE(256) on x86, arm, loong64
		{layoutGeneric, false, 256, 0xC1004807}, // HIDIOCGFEATURE(256)
		{layoutGeneric, true, 5, 0xC0054806},
		{layoutGeneric, false, 17, 0xC0114807},
		{layoutGeneric, false, 16383, 0xFFFF4807},
		{layoutAlt, true, 256, 0xC1004806}, // mips, powerpc: 6<<29 is also 0xC0000000
		{layoutAlt, false, 17, 0xC0114807},
		{layoutAlt, false, 8191, 0xDFFF4807},
	} {
		got, err := tc.l.hidiocFeature(tc.set, tc.size)
		if err != nil || got != tc.want {
			t.Errorf("%+v set=%v size %d: %#x %v, want %#x", tc.l, tc.set, tc.size, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		l    iocLayout
		size int
	}{{layoutGeneric, 0}, {layoutGeneric, 16384}, {layoutAlt, 8192}, {layoutGeneric, -1}} {
		if _, err := tc.l.hidiocFeature(true, tc.size); err == nil {
			t.Errorf("%+v size %d encoded", tc.l, tc.size)
		}
	}
}

// HIDIOCGRAWINFO and friends as x/sys lists them per architecture.
func TestOtherIoctlNumbers(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  uint
		want uint
	}{
		{"HIDIOCGRAWINFO generic", layoutGeneric.hidiocGRawInfo(), 0x80084803},
		{"HIDIOCGRAWINFO alt", layoutAlt.hidiocGRawInfo(), 0x40084803},
		{"HIDIOCGRDESCSIZE generic", layoutGeneric.ioc(layoutGeneric.read, 'H', 1, 4), 0x80044801},
		{"HIDIOCGRDESCSIZE alt", layoutAlt.ioc(layoutAlt.read, 'H', 1, 4), 0x40044801},
		{"HIDIOCREVOKE generic", layoutGeneric.ioc(layoutGeneric.write, 'H', 0x0D, 4), 0x4004480D},
		{"HIDIOCREVOKE alt", layoutAlt.ioc(layoutAlt.write, 'H', 0x0D, 4), 0x8004480D},
		{"HIDIOCGRAWNAME(128) generic", layoutGeneric.ioc(layoutGeneric.read, 'H', 4, 128), 0x80804804},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %#x, want %#x", tc.name, tc.got, tc.want)
		}
	}
}
