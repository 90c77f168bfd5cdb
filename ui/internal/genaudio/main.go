// Command genaudio makes the kiosk's spoken prompts: for each prompt in
// ui/audio/prompts.tsv it has espeak-ng speak the text (with the readings of
// ui/audio/lexicon.tsv), trims the silence around it, brings it to one
// loudness, encodes it with opusenc as ui/static/audio/<file>.opus, and
// writes ui/static/audio/index.json. Files of prompts no longer listed are
// removed. Run it from anywhere in the repository:
//
//	go run ./ui/internal/genaudio
//
// It needs Debian's espeak-ng and opus-tools (apt-get install -y
// --no-install-recommends espeak-ng opus-tools); CI does not run it, the
// files it makes are committed. With the same versions of both, a second
// run writes the same bytes; -check makes them again in a temporary folder
// and says whether they are.
//
// Each file carries what it was made from in its Opus comments:
// KIOSK_PROMPT (the id), TITLE (the text) and KIOSK_RECIPE (a hash of
// everything that decides the sound: what espeak-ng got, the settings and
// the pipeline's version), so a test can tell, without the tools, that no
// file is older than prompts.tsv, lexicon.tsv or the settings here.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/ui/audio"
)

// settings are how the prompts are spoken and encoded. The defaults are
// what the committed files were made with; ui/audio/README.md says why.
type settings struct {
	voice          string  // espeak-ng voice
	rate           int     // espeak-ng -s, words per minute (its default is 175)
	pitch          int     // espeak-ng -p, 0–99 (default 50)
	pitchRange     string  // SSML prosody range
	amplitude      int     // espeak-ng -a; below its default of 100, which clips
	comma          int     // pause in ms after ，；：
	enumComma      int     // pause in ms after 、
	stop           int     // pause in ms after 。？！
	lead, tail     int     // silence in ms kept before and after the speech
	targetLUFS     float64 // integrated loudness of every file
	ceilingDBFS    float64 // highest sample peak: the limiter's ceiling
	maxLimitDB     float64 // the most the limiter may take off a peak
	decodedMaxDBFS float64 // highest sample peak of the decoded file
	burstDB        float64 // most a 10 ms stretch of the decoded file may exceed the input
	opusArgs       string  // more opusenc options
	bitrate        int     // opusenc --bitrate, kbit/s
}

// pipeline is the version of what this program does to the sound between
// espeak-ng and opusenc. It is part of every file's recipe: change it when
// a change here (dsp.go, shape, the encoder's options) changes the sound,
// so that the test of the recipes asks for the files to be made again.
const pipeline = 1

// defaults are the settings the committed files were made with.
func defaults() settings {
	return settings{
		voice: "cmn-latn-pinyin", rate: 150, pitch: 55, pitchRange: "high", amplitude: 60,
		comma: 350, enumComma: 250, stop: 650, lead: 100, tail: 200,
		targetLUFS: -18, ceilingDBFS: -1.5, maxLimitDB: 8, decodedMaxDBFS: -1, burstDB: 6,
		bitrate: 16,
	}
}

var dumpDir string

func main() {
	s := defaults()
	flag.StringVar(&s.voice, "voice", s.voice, "espeak-ng voice")
	flag.IntVar(&s.rate, "rate", s.rate, "espeak-ng speed, words per minute")
	flag.IntVar(&s.pitch, "pitch", s.pitch, "espeak-ng pitch, 0-99")
	flag.StringVar(&s.pitchRange, "range", s.pitchRange, "SSML prosody range: x-low, low, medium, high, x-high")
	flag.IntVar(&s.amplitude, "amplitude", s.amplitude, "espeak-ng amplitude")
	flag.IntVar(&s.comma, "comma", s.comma, "pause after ，；： in ms")
	flag.IntVar(&s.enumComma, "enum", s.enumComma, "pause after 、 in ms")
	flag.IntVar(&s.stop, "stop", s.stop, "pause after 。？！ in ms")
	flag.IntVar(&s.lead, "lead", s.lead, "silence before the speech in ms")
	flag.IntVar(&s.tail, "tail", s.tail, "silence after the speech in ms")
	flag.Float64Var(&s.targetLUFS, "lufs", s.targetLUFS, "loudness of every prompt, LUFS")
	flag.Float64Var(&s.ceilingDBFS, "ceiling", s.ceilingDBFS, "highest sample peak before encoding, dBFS")
	flag.Float64Var(&s.maxLimitDB, "maxlimit", s.maxLimitDB, "most the limiter may take off a peak, dB")
	flag.Float64Var(&s.decodedMaxDBFS, "decoded", s.decodedMaxDBFS, "highest sample peak of the decoded file, dBFS")
	flag.Float64Var(&s.burstDB, "burst", s.burstDB, "most a 10 ms stretch of the decoded file may be louder than the input, dB")
	flag.StringVar(&s.opusArgs, "opus", s.opusArgs, "more opusenc options, space-separated")
	flag.IntVar(&s.bitrate, "bitrate", s.bitrate, "Opus bit rate, kbit/s")
	flag.StringVar(&dumpDir, "dump", "", "also write what goes into the encoder as WAV files to this folder")
	out := flag.String("out", "", "folder to write to (default: ui/static/audio of this repository)")
	check := flag.Bool("check", false, "make the files in a temporary folder and compare them with those in -out, writing nothing there")
	flag.Parse()
	var err error
	if *check {
		err = checkSame(s, *out)
	} else {
		err = run(s, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genaudio:", err)
		os.Exit(1)
	}
}

// checkSame makes every file again in a temporary folder and compares the
// bytes with those in outDir.
func checkSame(s settings, outDir string) error {
	outDir, err := audioDir(outDir)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "genaudio-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := run(s, tmp); err != nil {
		return err
	}
	made, err := os.ReadDir(tmp)
	if err != nil {
		return err
	}
	have, err := os.ReadDir(outDir)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, e := range append(made, have...) {
		if !e.IsDir() {
			names[e.Name()] = true
		}
	}
	var differ []string
	for name := range names {
		a, errA := os.ReadFile(filepath.Join(tmp, name))
		b, errB := os.ReadFile(filepath.Join(outDir, name))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			differ = append(differ, name)
		}
	}
	sort.Strings(differ)
	if len(differ) > 0 {
		return fmt.Errorf("%d of %d files in %s differ from what this machine makes now: %s", len(differ), len(names), outDir, strings.Join(differ, " "))
	}
	fmt.Printf("all %d files in %s are the same bytes as made again\n", len(names), outDir)
	return nil
}

// audioDir is dir, or ui/static/audio of this repository when dir is "".
func audioDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "ui", "static", "audio"), nil
}

func run(s settings, outDir string) error {
	for _, tool := range []string{"espeak-ng", "opusenc", "opusdec"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found: apt-get install -y --no-install-recommends espeak-ng opus-tools", tool)
		}
	}
	outDir, err := audioDir(outDir)
	if err != nil {
		return err
	}
	prompts, err := audio.Prompts()
	if err != nil {
		return err
	}
	lex, err := audio.LoadLexicon()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	tools := version("espeak-ng", "--version") + "; " + version("opusenc", "--version")
	fmt.Println(tools)

	used := map[string]int{}
	index := map[string]audio.IndexEntry{}
	keep := map[string]bool{audio.IndexName: true}
	total := 0
	fmt.Printf("%-26s %7s %8s %7s %7s %7s %7s %7s\n", "id", "ms", "LUFS in", "gain", "limit", "peak", "burst", "bytes")
	for _, p := range prompts {
		say := lex.Say(p.Text, used)
		tags := []string{
			"KIOSK_PROMPT=" + p.ID,
			"TITLE=" + p.Text,
			"KIOSK_RECIPE=" + recipeHash(s, say),
			"KIOSK_TOOLS=" + tools,
		}
		pcm, rate, err := speak(s, say)
		if err != nil {
			return fmt.Errorf("%s: %w", p.ID, err)
		}
		pcm = trim(rumbleFilter(rate).run(pcm), rate, s.lead, s.tail)
		loud := loudness(pcm, rate)
		if math.IsInf(loud, -1) {
			return fmt.Errorf("%s: espeak-ng made silence from %q", p.ID, say)
		}
		r, err := shape(s, pcm, rate, loud, serial(p.ID), tags)
		if err != nil {
			return fmt.Errorf("%s: %w (espeak-ng got %q)", p.ID, err, say)
		}
		ogg := r.ogg
		st, err := audio.ParseOggOpus(ogg)
		if err != nil {
			return fmt.Errorf("%s: opusenc wrote a file this repository cannot read: %w", p.ID, err)
		}
		if err := writeIfChanged(filepath.Join(outDir, p.File()), ogg); err != nil {
			return err
		}
		ms := int(st.Duration().Milliseconds())
		index[p.ID] = audio.IndexEntry{File: p.File(), MS: ms}
		keep[p.File()] = true
		total += len(ogg)
		fmt.Printf("%-26s %7d %8.1f %+7.1f %7.1f %7.1f %7.1f %7d\n", p.ID, ms, loud, r.gain, r.reduction, r.decPeak, r.burstDB, len(ogg))
	}
	for _, e := range lex.Entries() {
		if used[e.Word] == 0 {
			fmt.Fprintf(os.Stderr, "genaudio: lexicon entry %s is used by no prompt\n", e.Word)
		}
	}
	js, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(outDir, audio.IndexName), append(js, '\n')); err != nil {
		return err
	}
	old, err := os.ReadDir(outDir)
	if err != nil {
		return err
	}
	for _, e := range old {
		if !keep[e.Name()] && !e.IsDir() {
			fmt.Println("removed", e.Name())
			if err := os.Remove(filepath.Join(outDir, e.Name())); err != nil {
				return err
			}
		}
	}
	fmt.Printf("%d prompts, %d bytes of audio in %s\n", len(prompts), total, outDir)
	return nil
}

// speak has espeak-ng say text and returns its samples and their rate.
func speak(s settings, text string) ([]float64, int, error) {
	cmd := exec.Command("espeak-ng", "-m", "-z", "--stdout",
		"-v", s.voice, "-s", fmt.Sprint(s.rate), "-p", fmt.Sprint(s.pitch), "-a", fmt.Sprint(s.amplitude),
		ssml(s, text))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, 0, fmt.Errorf("espeak-ng: %v: %s", err, stderr.Bytes())
	}
	return readWAV(out)
}

// ssml wraps text for espeak-ng: a pause of the set length after each
// punctuation mark inside the text (the speech tool's own pauses are
// 0.2–0.4 s at this rate, short for an older listener), and the pitch range.
func ssml(s settings, text string) string {
	text = strings.TrimSpace(text)
	var b strings.Builder
	fmt.Fprintf(&b, `<speak><prosody range="%s">`, s.pitchRange)
	rs := []rune(text)
	for i, r := range rs {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
		if i == len(rs)-1 {
			break
		}
		pause := 0
		switch r {
		case '，', '；', '：':
			pause = s.comma
		case '、':
			pause = s.enumComma
		case '。', '？', '！':
			pause = s.stop
		}
		if pause > 0 {
			fmt.Fprintf(&b, `<break time="%dms"/>`, pause)
		}
	}
	b.WriteString("</prosody></speak>")
	return b.String()
}

// recipe is everything that decides a prompt's sound, as text: what
// espeak-ng gets and how, and what is done to the sound after it. The tool
// versions are not in it: a file is not out of date because the tools are
// newer.
func recipe(s settings, say string) string {
	return fmt.Sprintf("pipeline %d\nespeak-ng -m -z -v %s -s %d -p %d -a %d\n%s\n"+
		"trim %d %d ms; %g LUFS; ceiling %g dBFS; limit at most %g dB; decoded peak %g dBFS; burst %g dB\n"+
		"opusenc --bitrate %d %s",
		pipeline, s.voice, s.rate, s.pitch, s.amplitude, ssml(s, say),
		s.lead, s.tail, s.targetLUFS, s.ceilingDBFS, s.maxLimitDB, s.decodedMaxDBFS, s.burstDB,
		s.bitrate, strings.Join(strings.Fields(s.opusArgs), " "))
}

// recipeHash is the first 128 bits of the recipe's SHA-256, in hex.
func recipeHash(s settings, say string) string {
	sum := sha256.Sum256([]byte(recipe(s, say)))
	return hex.EncodeToString(sum[:16])
}

// encode has opusenc encode the samples (mono, 16 bit) as Ogg Opus, with
// tags as its user comments. The serial number is fixed and there is no
// padding, so the same samples give the same file.
func encode(s settings, pcm []float64, rate int, serial uint32, tags []string) ([]byte, error) {
	args := []string{"--quiet", "--bitrate", fmt.Sprint(s.bitrate), "--padding", "0", "--serial", fmt.Sprint(serial)}
	for _, t := range tags {
		args = append(args, "--comment", t)
	}
	args = append(append(args, strings.Fields(s.opusArgs)...), "-", "-")
	cmd := exec.Command("opusenc", args...)
	cmd.Stdin = bytes.NewReader(writeWAV(pcm, rate))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("opusenc: %v: %s", err, stderr.Bytes())
	}
	return out, nil
}

type result struct {
	ogg                      []byte
	gain, reduction, decPeak float64 // dB
	burstDB, burstAt         float64 // dB over the input, at s
}

// shape brings the trimmed speech to the target loudness, limits its
// peaks, encodes it, and decodes it to check the peaks again. The limiter takes a little loudness away, so the
// loudness is measured again and corrected. The codec does not keep the
// waveform, so a peak can come out higher than it went in: then the gain is
// capped where the decoded file was over, and all is done again.
func shape(s settings, pcm []float64, rate int, loud float64, serial uint32, tags []string) (result, error) {
	var r result
	ceiling := math.Pow(10, s.ceilingDBFS/20)
	caps := make([]float64, len(pcm))
	for i := range caps {
		caps[i] = 1
	}
	for try := 1; ; try++ {
		var out []float64
		r.gain = s.targetLUFS - loud
		for range 3 {
			out, r.reduction = limit(amplify(pcm, r.gain), rate, ceiling, caps)
			r.gain += s.targetLUFS - loudness(out, rate)
		}
		if r.reduction < -s.maxLimitDB {
			return r, fmt.Errorf("the limiter had to take %.1f dB off a peak (more than %.1f): lower -lufs, or check the speech", -r.reduction, s.maxLimitDB)
		}
		var err error
		if dumpDir != "" {
			if err := os.WriteFile(filepath.Join(dumpDir, fmt.Sprintf("%08x.wav", serial)), writeWAV(out, rate), 0o644); err != nil {
				return r, err
			}
		}
		if r.ogg, err = encode(s, out, rate, serial, tags); err != nil {
			return r, err
		}
		dec, err := decode(r.ogg)
		if err != nil {
			return r, err
		}
		if r.burstDB, r.burstAt = burst(out, rate, dec); r.burstDB > s.burstDB {
			return r, fmt.Errorf("decoded, the file is %.1f dB louder than its input at %.2f s: the codec made a burst there", r.burstDB, r.burstAt)
		}
		if r.decPeak = peakDBFS(dec); r.decPeak <= s.decodedMaxDBFS {
			return r, nil
		}
		if try == 8 {
			return r, fmt.Errorf("decoded, the file still peaks at %.2f dBFS after %d tries", r.decPeak, try)
		}
		max := math.Pow(10, s.decodedMaxDBFS/20) * 0.97
		for i, d := range dec { // 48 kHz, pre-skip removed: aligned with out
			if a := math.Abs(d); a > max {
				j := min(len(caps)-1, int(math.Round(float64(i)*float64(rate)/48000)))
				caps[j] = math.Min(caps[j], caps[j]*max/a)
			}
		}
	}
}

// decode decodes an Ogg Opus file with opusdec, at 48 kHz with the
// pre-skip removed, so that sample i is at i/48000 s of the input.
func decode(ogg []byte) ([]float64, error) {
	cmd := exec.Command("opusdec", "--quiet", "--float", "--rate", "48000", "-", "-")
	cmd.Stdin = bytes.NewReader(ogg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("opusdec: %v: %s", err, stderr.Bytes())
	}
	// raw 32-bit float samples, little-endian: opusdec writes no header to stdout
	pcm := make([]float64, len(out)/4)
	for i := range pcm {
		pcm[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:])))
	}
	return pcm, nil
}

// serial is the Ogg serial number of a prompt's file: fixed, and different
// for each prompt.
func serial(id string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32()
}

func writeIfChanged(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return os.WriteFile(name, data, 0o644)
}

// moduleRoot is the folder of this repository's go.mod, found upwards from
// the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(b, []byte("module github.com/kiosk-agent/kiosk-agent\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run this inside the kiosk-agent repository")
		}
		dir = parent
	}
}

func version(tool, flag string) string {
	out, err := exec.Command(tool, flag).Output()
	if err != nil {
		return tool + " (version unknown)"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	line = strings.TrimSpace(line)
	if i := strings.Index(line, "  Data at"); i > 0 {
		line = line[:i]
	}
	return line
}
