package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// readWAV returns the samples of a mono 16-bit PCM WAV file, scaled to
// [-1, 1), and its sample rate. espeak-ng --stdout writes the data chunk's
// size as 0x7fffffff, so the data runs to the end of the file.
func readWAV(b []byte) ([]float64, int, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, errors.New("not a WAV file")
	}
	rate := 0
	for p := b[12:]; len(p) >= 8; {
		id, size := string(p[:4]), int(binary.LittleEndian.Uint32(p[4:8]))
		p = p[8:]
		if size > len(p) || size < 0 {
			size = len(p)
		}
		switch id {
		case "fmt ":
			if size < 16 {
				return nil, 0, errors.New("short fmt chunk")
			}
			format, channels := binary.LittleEndian.Uint16(p[0:2]), binary.LittleEndian.Uint16(p[2:4])
			bits := binary.LittleEndian.Uint16(p[14:16])
			if format != 1 || channels != 1 || bits != 16 {
				return nil, 0, fmt.Errorf("WAV format %d, %d channels, %d bits; want PCM, 1, 16", format, channels, bits)
			}
			rate = int(binary.LittleEndian.Uint32(p[4:8]))
		case "data":
			if rate == 0 {
				return nil, 0, errors.New("data chunk before fmt chunk")
			}
			pcm := make([]float64, size/2)
			for i := range pcm {
				pcm[i] = float64(int16(binary.LittleEndian.Uint16(p[2*i:]))) / 32768
			}
			return pcm, rate, nil
		}
		p = p[size+size%2:]
	}
	return nil, 0, errors.New("no data chunk")
}

// writeWAV writes samples as a mono 16-bit PCM WAV file, rounding to the
// nearest step (no dither, so the same samples give the same bytes; the
// codec's noise is far above the rounding's).
func writeWAV(pcm []float64, rate int) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*len(pcm)))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))        // PCM
	le(uint16(1))        // mono
	le(uint32(rate))     // sample rate
	le(uint32(2 * rate)) // bytes per second
	le(uint16(2))        // bytes per frame
	le(uint16(16))       // bits per sample
	b.WriteString("data")
	le(uint32(2 * len(pcm)))
	for _, x := range pcm {
		v := math.Round(x * 32768)
		v = math.Max(-32768, math.Min(32767, v))
		le(int16(v))
	}
	return b.Bytes()
}

// trim cuts the silence before and after the speech down to lead and tail
// milliseconds, adding silence where there is less.
func trim(pcm []float64, rate, lead, tail int) []float64 {
	const threshold = 1.0 / 1024 // -60 dBFS; espeak-ng's pauses are digital silence
	first, last := -1, -1
	for i, x := range pcm {
		if math.Abs(x) > threshold {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	nl, nt := lead*rate/1000, tail*rate/1000
	out := make([]float64, 0, nl+last-first+1+nt)
	out = append(out, make([]float64, nl)...)
	out = append(out, pcm[first:last+1]...)
	return append(out, make([]float64, nt)...)
}

func amplify(pcm []float64, gainDB float64) []float64 {
	g := math.Pow(10, gainDB/20)
	out := make([]float64, len(pcm))
	for i, x := range pcm {
		out[i] = x * g
	}
	return out
}

func peakDBFS(pcm []float64) float64 {
	peak := 0.0
	for _, x := range pcm {
		peak = math.Max(peak, math.Abs(x))
	}
	return 20 * math.Log10(peak)
}

// loudness is the integrated loudness of mono samples in LUFS, as ITU-R
// BS.1770-4 measures it: K-weighting (a high shelf of +4 dB above ~1.7 kHz,
// then a high-pass at ~38 Hz, designed for the sample rate), mean square
// over 400 ms blocks overlapping by 75 %, an absolute gate at -70 LUFS and
// a relative gate 10 LU below the gated mean. It is -Inf for silence or for
// less than one block.
func loudness(pcm []float64, rate int) float64 {
	shelf := highShelf(float64(rate), 1681.974450955533, 0.7071752369554196, 3.999843853973347)
	hp := highPass(float64(rate), 38.13547087602444, 0.5003270373238773)
	y := hp.run(shelf.run(pcm))

	block, step := int(0.4*float64(rate)), int(0.1*float64(rate))
	var ms []float64
	for start := 0; start+block <= len(y); start += step {
		sum := 0.0
		for _, v := range y[start : start+block] {
			sum += v * v
		}
		ms = append(ms, sum/float64(block))
	}
	lufs := func(m float64) float64 { return -0.691 + 10*math.Log10(m) }
	gated := func(threshold float64) (float64, int) {
		sum, n := 0.0, 0
		for _, m := range ms {
			if lufs(m) > threshold {
				sum += m
				n++
			}
		}
		if n == 0 {
			return 0, 0
		}
		return sum / float64(n), n
	}
	mean, n := gated(-70)
	if n == 0 {
		return math.Inf(-1)
	}
	mean, n = gated(lufs(mean) - 10)
	if n == 0 {
		return math.Inf(-1)
	}
	return lufs(mean)
}

type biquad struct{ b0, b1, b2, a1, a2 float64 }

func (f biquad) run(x []float64) []float64 {
	y := make([]float64, len(x))
	var x1, x2, y1, y2 float64
	for i, v := range x {
		out := f.b0*v + f.b1*x1 + f.b2*x2 - f.a1*y1 - f.a2*y2
		x2, x1, y2, y1 = x1, v, y1, out
		y[i] = out
	}
	return y
}

// highShelf and highPass are the two stages of the K-weighting filter for
// any sample rate, in the form libebur128 and pyloudnorm use: at 48 kHz
// they give BS.1770's own coefficients.
func highShelf(rate, fc, q, gainDB float64) biquad {
	k := math.Tan(math.Pi * fc / rate)
	vh := math.Pow(10, gainDB/20)
	vb := math.Pow(vh, 0.4996667741545416)
	a0 := 1 + k/q + k*k
	return biquad{
		b0: (vh + vb*k/q + k*k) / a0,
		b1: 2 * (k*k - vh) / a0,
		b2: (vh - vb*k/q + k*k) / a0,
		a1: 2 * (k*k - 1) / a0,
		a2: (1 - k/q + k*k) / a0,
	}
}

// rumbleFilter is a 2nd-order Butterworth high-pass at 50 Hz. espeak-ng's
// output has steps below 40 Hz at stop closures (digital silence after a
// voiced sound), which nothing at a kiosk can play and which make libopus
// 1.3.1 decode a full-scale burst at the next onset now and then.
func rumbleFilter(rate int) biquad {
	w0 := 2 * math.Pi * 50 / float64(rate)
	alpha := math.Sin(w0) / (2 * math.Sqrt2 / 2)
	cw := math.Cos(w0)
	a0 := 1 + alpha
	return biquad{b0: (1 + cw) / 2 / a0, b1: -(1 + cw) / a0, b2: (1 + cw) / 2 / a0, a1: -2 * cw / a0, a2: (1 - alpha) / a0}
}

func highPass(rate, fc, q float64) biquad {
	k := math.Tan(math.Pi * fc / rate)
	a0 := 1 + k/q + k*k
	return biquad{b0: 1, b1: -2, b2: 1, a1: 2 * (k*k - 1) / a0, a2: (1 - k/q + k*k) / a0}
}

// limit keeps every sample at or below ceiling (linear) with the least
// change to the sound: the gain each sample needs is spread back over a
// look-ahead of 5 ms (the gain is lowered before a peak, not at it) and
// recovers with a 60 ms release. The gain never exceeds what any sample
// needs, so no sample is above the ceiling afterwards. caps, if not nil,
// lowers the gain further where it is below 1 (for the codec's overshoot).
// It returns the samples and the deepest gain reduction in dB (0 when
// nothing was over).
func limit(pcm []float64, rate int, ceiling float64, caps []float64) ([]float64, float64) {
	n := len(pcm)
	need := make([]float64, n)
	over := false
	for i, x := range pcm {
		need[i] = 1
		if a := math.Abs(x); a > ceiling {
			need[i], over = ceiling/a, true
		}
		if caps != nil && caps[i] < need[i] {
			need[i], over = caps[i], true
		}
	}
	if !over {
		return pcm, 0
	}
	la := max(1, 5*rate/1000) // look-ahead in samples
	// minimum of need over [i-la, i+la]
	low := make([]float64, n)
	for i := range low {
		m := 1.0
		for j := max(0, i-la); j <= min(n-1, i+la); j++ {
			m = math.Min(m, need[j])
		}
		low[i] = m
	}
	// mean of low over [i-la/2, i+la/2]: every term covers sample i, so the
	// mean is at most need[i], and the gain ramps instead of jumping
	half := la / 2
	smooth := make([]float64, n)
	for i := range smooth {
		sum, k := 0.0, 0
		for j := max(0, i-half); j <= min(n-1, i+half); j++ {
			sum += low[j]
			k++
		}
		smooth[i] = sum / float64(k)
	}
	// release: the gain falls at once and rises slowly
	rel := 1 - math.Exp(-1/(0.06*float64(rate)))
	out := make([]float64, n)
	g, deepest := 1.0, 1.0
	for i, x := range pcm {
		if smooth[i] < g {
			g = smooth[i]
		} else if g += (smooth[i] - g) * rel; smooth[i]-g < 1e-3 {
			g = smooth[i] // within 0.01 dB: leave the rest untouched
		}
		deepest = math.Min(deepest, g)
		out[i] = x * g
	}
	return out, 20 * math.Log10(deepest)
}

// burst compares the decoded file (48 kHz) with what went into the encoder,
// 10 ms at a time, and returns how many dB the decoded sound is louder than
// the input where it is most so, and when. Stretches quieter than -30 dBFS
// in the decoded file do not count.
func burst(in []float64, rate int, dec []float64) (db, at float64) {
	rms := func(x []float64) float64 {
		if len(x) == 0 {
			return 0
		}
		sum := 0.0
		for _, v := range x {
			sum += v * v
		}
		return math.Sqrt(sum / float64(len(x)))
	}
	for w := 0; ; w++ {
		d0, d1 := w*480, (w+1)*480
		i0, i1 := w*rate/100, (w+1)*rate/100
		if d1 > len(dec) || i1 > len(in) {
			return db, at
		}
		rd := rms(dec[d0:d1])
		if rd < 0.0316 {
			continue
		}
		ri := math.Max(rms(in[max(0, i0-rate/200):min(len(in), i1+rate/200)]), 1e-6)
		if x := 20 * math.Log10(rd/ri); x > db {
			db, at = x, float64(w)/100
		}
	}
}
