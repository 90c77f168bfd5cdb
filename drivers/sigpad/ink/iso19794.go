package ink

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// ISOOptions say how ISO19794_7 scales the channels.
type ISOOptions struct {
	// UnitsPerMM is the pad's resolution, written as the X and Y
	// channels' scaling (Wacom's STU pads: 100). 0 leaves the scaling
	// out, for input whose physical size is unknown (a screen).
	UnitsPerMM int
	// TimeUnitsPerSecond is the T channel's scaling: 1000 (T in
	// milliseconds, the default for 0) or 10000 (T in tenths of a
	// millisecond, as Wacom's exporter writes it). T must stay below
	// 65536 units, so about 65 s and 6.5 s of signing respectively.
	TimeUnitsPerSecond int
}

// ErrISORange is wrapped by ISO19794_7's errors for data the 2007 layout
// cannot hold.
var ErrISORange = errors.New("ink: does not fit ISO/IEC 19794-7")

// The channels ISO19794_7 writes, as bits of the channel-inclusion field
// (bit 15 = X … bit 0 = R).
const (
	isoX = 1 << 15
	isoY = 1 << 14
	isoT = 1 << 8
	isoF = 1 << 6
	isoS = 1 << 5
	// isoSignedOffset is added to X and Y (signed channels) and to their
	// minimum and maximum.
	isoSignedOffset = 32768
)

// Attribute bits of a channel description.
const (
	isoScaling = 1 << 7
	isoMin     = 1 << 6
	isoMax     = 1 << 5
)

// ISO19794_7 exports samples as an ISO/IEC 19794-7 signature/sign time
// series in the 2007 layout that Wacom's exporter writes and BioSignIn
// reads: the header "SDI\0", " 10\0", the channels X, Y, T, F, S (field
// C1 60); X and Y with scaling (if UnitsPerMM), minimum 0 and maximum
// MaxX/MaxY, stored offset by 32768 as signed channels are; T with its
// scaling; F with minimum 0 and maximum MaxPressure; S with no
// attributes; a reserved byte; then the body: no extended data, the point
// count (3 bytes), and each sample's five channels, 2 bytes each, big
// endian. Every sample is exported, hover reports included (S = 0), with
// T counted from the first sample. Values outside the pad, a pad larger
// than 32767 × 32767 or a pressure above 65535, T beyond 65535 units, a
// time that runs backwards, or more than 2^24 − 1 samples are errors.
func ISO19794_7(samples []Sample, pad Pad, opt ISOOptions) ([]byte, error) {
	if err := pad.check(); err != nil {
		return nil, err
	}
	if pad.MaxX > 32767 || pad.MaxY > 32767 || pad.MaxPressure > 65535 {
		return nil, fmt.Errorf("%w: the pad (%d × %d, pressure %d) is larger than 32767 × 32767, pressure 65535", ErrISORange, pad.MaxX, pad.MaxY, pad.MaxPressure)
	}
	if len(samples) > 1<<24-1 {
		return nil, fmt.Errorf("%w: %d samples, at most %d", ErrISORange, len(samples), 1<<24-1)
	}
	tps := opt.TimeUnitsPerSecond
	if tps == 0 {
		tps = 1000
	}
	if tps != 1000 && tps != 10000 {
		return nil, fmt.Errorf("%w: TimeUnitsPerSecond is 1000 or 10000, not %d", ErrOptions, tps)
	}
	tScale, _ := isoHalf(tps)
	var xyScale uint16
	if opt.UnitsPerMM != 0 {
		s, err := isoHalf(opt.UnitsPerMM)
		if err != nil {
			return nil, err
		}
		xyScale = s
	}

	b := []byte("SDI\x00 10\x00")
	b = binary.BigEndian.AppendUint16(b, isoX|isoY|isoT|isoF|isoS)
	for _, m := range []int64{pad.MaxX, pad.MaxY} {
		if xyScale != 0 {
			b = append(b, isoScaling|isoMin|isoMax)
			b = binary.BigEndian.AppendUint16(b, xyScale)
		} else {
			b = append(b, isoMin|isoMax)
		}
		b = binary.BigEndian.AppendUint16(b, isoSignedOffset)
		b = binary.BigEndian.AppendUint16(b, uint16(m+isoSignedOffset))
	}
	b = append(b, isoScaling)
	b = binary.BigEndian.AppendUint16(b, tScale)
	b = append(b, isoMin|isoMax)
	b = binary.BigEndian.AppendUint16(b, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(pad.MaxPressure))
	b = append(b, 0) // S: no attributes
	b = append(b, 0) // reserved

	b = append(b, 0) // no extended data
	n := len(samples)
	b = append(b, byte(n>>16), byte(n>>8), byte(n))
	var t0 int64
	for i, s := range samples {
		if i == 0 {
			t0 = s[SampleT]
		}
		if i > 0 && s[SampleT] < samples[i-1][SampleT] {
			return nil, fmt.Errorf("%w: sample %d: the time runs backwards", ErrSamples, i)
		}
		// s[SampleT] ≥ t0 here; the difference as unsigned cannot overflow.
		limit := uint64(65535 * 1000 / tps)
		if d := uint64(s[SampleT]) - uint64(t0); d > limit {
			return nil, fmt.Errorf("%w: sample %d is %d ms after the first; T holds at most %d ms at %d units/s", ErrISORange, i, d, limit, tps)
		}
		t := s[SampleT] - t0
		x, y, p := s[SampleX], s[SampleY], s[SamplePressure]
		if x < 0 || x > pad.MaxX || y < 0 || y > pad.MaxY || p < 0 || p > pad.MaxPressure {
			return nil, fmt.Errorf("%w: sample %d (%d, %d, pressure %d) lies outside the pad", ErrSamples, i, x, y, p)
		}
		sw := uint16(0)
		if s[SampleSwitch] != 0 {
			sw = 1
		}
		b = binary.BigEndian.AppendUint16(b, uint16(x+isoSignedOffset))
		b = binary.BigEndian.AppendUint16(b, uint16(y+isoSignedOffset))
		b = binary.BigEndian.AppendUint16(b, uint16(t*int64(tps)/1000))
		b = binary.BigEndian.AppendUint16(b, uint16(p))
		b = binary.BigEndian.AppendUint16(b, sw)
	}
	return b, nil
}

// isoHalf encodes v (1…65535) as the 2007 layout's 16-bit scaling value:
// a 5-bit exponent biased by 16 and an 11-bit fraction, value = (1 +
// f/2048)·2^(e−16); rounded to the nearest, halves up.
func isoHalf(v int) (uint16, error) {
	if v < 1 || v > 65535 {
		return 0, fmt.Errorf("%w: a scaling of %d (1 to 65535 fits)", ErrISORange, v)
	}
	e := bits.Len(uint(v)) - 1
	rest := v - 1<<e
	var f int
	if e <= 11 {
		f = rest << (11 - e)
	} else {
		sh := e - 11
		f = (rest + 1<<(sh-1)) >> sh
		if f == 2048 {
			e, f = e+1, 0
		}
	}
	return uint16((e+16)<<11 | f), nil
}
