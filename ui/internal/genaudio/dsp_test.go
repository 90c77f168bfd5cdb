package main

import (
	"math"
	"testing"
)

func sine(freq, amp float64, rate int, seconds float64) []float64 {
	pcm := make([]float64, int(seconds*float64(rate)))
	for i := range pcm {
		pcm[i] = amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))
	}
	return pcm
}

// BS.1770-4 §2.1: a 997 Hz sine at 0 dBFS reads -3.01 LKFS. At the speech
// tool's 22050 Hz the filters are designed for that rate and must agree.
func TestLoudnessOfASine(t *testing.T) {
	for _, rate := range []int{48000, 22050, 16000} {
		for _, amp := range []float64{1, 0.1} {
			got := loudness(sine(997, amp, rate, 3), rate)
			want := -3.01 + 20*math.Log10(amp)
			if math.Abs(got-want) > 0.1 {
				t.Errorf("%d Hz, amplitude %g: %.2f LUFS, want %.2f", rate, amp, got, want)
			}
		}
	}
	if got := loudness(make([]float64, 22050), 22050); !math.IsInf(got, -1) {
		t.Errorf("silence: %v LUFS", got)
	}
}

// The relative gate leaves out quiet parts: a tone with long silences reads
// as loud as the tone alone.
func TestLoudnessGates(t *testing.T) {
	tone := sine(997, 0.5, 22050, 4)
	gappy := append(append(append([]float64{}, tone...), make([]float64, 3*22050)...), tone...)
	a, b := loudness(tone, 22050), loudness(gappy, 22050)
	if math.Abs(a-b) > 0.5 {
		t.Errorf("tone %.2f LUFS, tone with silences %.2f", a, b)
	}
}

func TestTrimAndWAVRoundTrip(t *testing.T) {
	pcm := append(append(make([]float64, 500), 0.5, -0.25, 0.125), make([]float64, 900)...)
	got := trim(pcm, 1000, 10, 20)
	if len(got) != 10+3+20 || got[10] != 0.5 || got[12] != 0.125 {
		t.Fatalf("trim: %v", got)
	}
	back, rate, err := readWAV(writeWAV(got, 22050))
	if err != nil || rate != 22050 || len(back) != len(got) || back[11] != -0.25 {
		t.Fatalf("WAV round trip: rate %d, %d samples, %v", rate, len(back), err)
	}
}

// At 48 kHz the filters are BS.1770-4's Table 1 and Table 2.
func TestKWeightingAt48kHz(t *testing.T) {
	shelf := highShelf(48000, 1681.974450955533, 0.7071752369554196, 3.999843853973347)
	hp := highPass(48000, 38.13547087602444, 0.5003270373238773)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"shelf b0", shelf.b0, 1.53512485958697}, {"shelf b1", shelf.b1, -2.69169618940638},
		{"shelf b2", shelf.b2, 1.19839281085285}, {"shelf a1", shelf.a1, -1.69065929318241},
		{"shelf a2", shelf.a2, 0.73248077421585}, {"high-pass a1", hp.a1, -1.99004745483398},
		{"high-pass a2", hp.a2, 0.99007225036621},
	} {
		if math.Abs(c.got-c.want) > 1e-8 {
			t.Errorf("%s = %.14f, want %.14f", c.name, c.got, c.want)
		}
	}
}

func TestLimitKeepsPeaksUnderTheCeiling(t *testing.T) {
	pcm := sine(440, 0.3, 22050, 1)
	for i := 10000; i < 10200; i++ {
		pcm[i] *= 5 // a burst to 1.5, 5 dB over the ceiling
	}
	ceiling := math.Pow(10, -1.5/20)
	out, reduction := limit(pcm, 22050, ceiling, nil)
	if peak := peakDBFS(out); peak > -1.5+1e-9 {
		t.Errorf("peak %.2f dBFS after the limiter", peak)
	}
	if reduction > -4.5 || reduction < -5.5 {
		t.Errorf("gain reduction %.2f dB", reduction)
	}
	// Far from the burst the sound is untouched.
	for _, i := range []int{100, 5000, 20000, 21500} {
		if out[i] != pcm[i] {
			t.Errorf("sample %d changed: %v -> %v", i, pcm[i], out[i])
		}
	}
	// Under the ceiling nothing changes at all.
	quiet := sine(440, 0.3, 22050, 0.5)
	if got, r := limit(quiet, 22050, ceiling, nil); r != 0 || got[1234] != quiet[1234] {
		t.Errorf("a quiet signal was limited by %.2f dB", r)
	}
}

func TestRumbleFilter(t *testing.T) {
	f := rumbleFilter(22050)
	level := func(freq float64) float64 {
		y := f.run(sine(freq, 1, 22050, 2))
		return 20 * math.Log10(math.Sqrt(2)*rmsOf(y[22050:]))
	}
	for _, c := range []struct{ freq, lo, hi float64 }{{10, -30, -25}, {50, -3.5, -2.5}, {120, -0.9, 0}, {1000, -0.1, 0.1}} {
		if got := level(c.freq); got < c.lo || got > c.hi {
			t.Errorf("%g Hz: %.2f dB, want %g to %g", c.freq, got, c.lo, c.hi)
		}
	}
}

func rmsOf(x []float64) float64 {
	sum := 0.0
	for _, v := range x {
		sum += v * v
	}
	return math.Sqrt(sum / float64(len(x)))
}
