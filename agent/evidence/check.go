package evidence

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kiosk-agent/kiosk-agent/agent/evidence/jcs"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
)

// manifestMembers are the manifest's members, in the order they are
// checked.
func manifestMembers() []string {
	return []string{"document", "signer", "device", "capturedAt", "agent", "promptSha256", "ink", "renderer", "render", "png", "svg"}
}

// Limits of a manifest's values.
const (
	maxText   = 256      // characters of a name, title, model…
	maxRender = 16 << 20 // bytes of the PNG or the SVG
	maxTime   = 1 << 31  // ms: about 24 days
)

func bad(part, format string, args ...any) *VerifyError {
	return &VerifyError{Part: part, Reason: fmt.Sprintf(format, args...)}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// object checks that v is an object with every required member and no
// member beyond required and optional, and returns its members by name.
// A missing member is named by its own path; an unknown one by the
// object's (or "bundle" at the top).
func object(path string, v jcs.Value, required, optional []string) (map[string]jcs.Value, *VerifyError) {
	part := path
	if part == "" {
		part = "bundle"
	}
	if v.Kind() != jcs.Object {
		return nil, bad(part, "is %s, not an object", v.Kind())
	}
	got := make(map[string]jcs.Value, v.Len())
	for _, m := range v.Members() {
		got[m.Name] = m.Value
	}
	for _, name := range required {
		if _, ok := got[name]; !ok {
			return nil, bad(join(path, name), "missing")
		}
	}
	for _, m := range v.Members() {
		if !slices.Contains(required, m.Name) && !slices.Contains(optional, m.Name) {
			return nil, bad(part, "unknown member %q", m.Name)
		}
	}
	return got, nil
}

// text checks a string of 1 to max characters with no control
// characters.
func text(path string, v jcs.Value, max int) (string, *VerifyError) {
	if v.Kind() != jcs.String {
		return "", bad(path, "is %s, not a string", v.Kind())
	}
	s := v.Str()
	if s == "" {
		return "", bad(path, "is empty")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", bad(path, "is %d characters long, at most %d", n, max)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", bad(path, "holds a control character")
	}
	return s, nil
}

// hexSHA256 checks 64 lower-case hex digits.
func hexSHA256(path string, v jcs.Value) (string, *VerifyError) {
	if v.Kind() != jcs.String || !isHex(v.Str(), 64) {
		return "", bad(path, "is not a SHA-256 in hex (64 digits 0-9a-f)")
	}
	return v.Str(), nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// integer checks a whole number from lo to hi.
func integer(path string, v jcs.Value, lo, hi int64) (int64, *VerifyError) {
	if v.Kind() != jcs.Number {
		return 0, bad(path, "is %s, not a number", v.Kind())
	}
	f := v.Num()
	if f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, bad(path, "is %v, not a whole number from %d to %d", f, lo, hi)
	}
	return int64(f), nil
}

// checkManifest checks every member of a manifest and returns it. The
// same checks run when a bundle is built and when it is verified.
func checkManifest(v jcs.Value) (Manifest, *VerifyError) {
	var m Manifest
	f, err := object("manifest", v, manifestMembers(), nil)
	if err != nil {
		return m, err
	}
	for _, check := range []func() *VerifyError{
		func() (err *VerifyError) { m.Document, err = checkDocument(f["document"]); return },
		func() *VerifyError {
			g, err := object("manifest.signer", f["signer"], []string{"name"}, nil)
			if err == nil {
				m.Signer.Name, err = text("manifest.signer.name", g["name"], maxText)
			}
			return err
		},
		func() (err *VerifyError) { m.Device, err = checkDevice(f["device"]); return },
		func() *VerifyError {
			v := f["capturedAt"]
			t, perr := time.Parse(time.RFC3339Nano, v.Str())
			if v.Kind() != jcs.String || perr != nil {
				return bad("manifest.capturedAt", "is not a time in RFC 3339 (2006-01-02T15:04:05+08:00)")
			}
			m.CapturedAt = t
			return nil
		},
		func() *VerifyError {
			g, err := object("manifest.agent", f["agent"], []string{"id", "version"}, nil)
			if err == nil {
				m.Agent.ID, err = text("manifest.agent.id", g["id"], maxText)
			}
			if err == nil {
				m.Agent.Version, err = text("manifest.agent.version", g["version"], maxText)
			}
			return err
		},
		func() (err *VerifyError) {
			m.PromptSHA256, err = hexSHA256("manifest.promptSha256", f["promptSha256"])
			return
		},
		func() (err *VerifyError) { m.Ink, err = checkInk(f["ink"]); return },
		func() *VerifyError {
			v := f["renderer"]
			if v.Kind() != jcs.String || v.Str() != ink.Renderer {
				return bad("manifest.renderer", "names a renderer this verifier does not have (it has %s)", ink.Renderer)
			}
			m.Renderer = v.Str()
			return nil
		},
		func() (err *VerifyError) { m.Render, err = checkRender(f["render"], m.Ink.Pad()); return },
		func() *VerifyError {
			v := f["png"]
			if v.Kind() != jcs.String || len(v.Str()) > maxRender*4/3+4 {
				return bad("manifest.png", "is not a string of base64 (of at most %d bytes)", maxRender)
			}
			b, err := base64.StdEncoding.Strict().DecodeString(v.Str())
			if err != nil {
				return bad("manifest.png", "is not base64: %v", err)
			}
			if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
				return bad("manifest.png", "is not a PNG")
			}
			m.PNG = b
			return nil
		},
		func() *VerifyError {
			v := f["svg"]
			if v.Kind() != jcs.String || len(v.Str()) > maxRender || !strings.HasPrefix(v.Str(), "<svg ") {
				return bad("manifest.svg", "is not an SVG document (of at most %d bytes)", maxRender)
			}
			m.SVG = v.Str()
			return nil
		},
	} {
		if err := check(); err != nil {
			return m, err
		}
	}
	return m, nil
}

func checkDocument(v jcs.Value) (Document, *VerifyError) {
	var d Document
	g, err := object("manifest.document", v, []string{"title", "sha256"}, nil)
	if err == nil {
		d.Title, err = text("manifest.document.title", g["title"], maxText)
	}
	if err == nil {
		d.SHA256, err = hexSHA256("manifest.document.sha256", g["sha256"])
	}
	return d, err
}

func checkDevice(v jcs.Value) (Device, *VerifyError) {
	var d Device
	g, err := object("manifest.device", v, []string{"kind"}, []string{"model", "serial"})
	if err != nil {
		return d, err
	}
	if d.Kind, err = text("manifest.device.kind", g["kind"], 32); err != nil {
		return d, err
	}
	if strings.ContainsFunc(d.Kind, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') }) {
		return d, bad("manifest.device.kind", "is %q, not a word of a-z, 0-9 and -", d.Kind)
	}
	if mv, ok := g["model"]; ok {
		if d.Model, err = text("manifest.device.model", mv, maxText); err != nil {
			return d, err
		}
	} else if d.Kind != DeviceScreen {
		return d, bad("manifest.device.model", "missing (only a screen has none)")
	}
	if sv, ok := g["serial"]; ok {
		if d.Serial, err = text("manifest.device.serial", sv, maxText); err != nil {
			return d, err
		}
	}
	return d, nil
}

func checkInk(v jcs.Value) (Ink, *VerifyError) {
	var k Ink
	g, err := object("manifest.ink", v, []string{"unit", "width", "height", "maxPressure", "dropped", "samples"}, nil)
	if err != nil {
		return k, err
	}
	if k.Unit, err = text("manifest.ink.unit", g["unit"], 32); err != nil {
		return k, err
	}
	if k.Width, err = integer("manifest.ink.width", g["width"], 1, ink.MaxExtent); err != nil {
		return k, err
	}
	if k.Height, err = integer("manifest.ink.height", g["height"], 1, ink.MaxExtent); err != nil {
		return k, err
	}
	if k.MaxPressure, err = integer("manifest.ink.maxPressure", g["maxPressure"], 0, ink.MaxExtent); err != nil {
		return k, err
	}
	if k.Dropped, err = integer("manifest.ink.dropped", g["dropped"], 0, math.MaxInt32); err != nil {
		return k, err
	}
	sv := g["samples"]
	if sv.Kind() != jcs.Array || sv.Len() == 0 || sv.Len() > ink.MaxSamples {
		return k, bad("manifest.ink.samples", "is not an array of 1 to %d samples", ink.MaxSamples)
	}
	k.Samples = make([]ink.Sample, sv.Len())
	down := false
	limits := [5]int64{maxTime, k.Width, k.Height, k.MaxPressure, 255}
	for i := range sv.Len() {
		path := fmt.Sprintf("manifest.ink.samples[%d]", i)
		s := sv.Index(i)
		if s.Kind() != jcs.Array || s.Len() != 5 {
			return k, bad(path, "is not [t, x, y, pressure, sw]")
		}
		for j := range 5 {
			n, err := integer(fmt.Sprintf("%s[%d]", path, j), s.Index(j), 0, limits[j])
			if err != nil {
				return k, err
			}
			k.Samples[i][j] = n
		}
		t := k.Samples[i][ink.SampleT]
		switch {
		case i == 0 && t != 0:
			return k, bad(path, "has t = %d; t counts from the first sample, which is 0", t)
		case i > 0 && t < k.Samples[i-1][ink.SampleT]:
			return k, bad("manifest.ink.samples", "run backwards in time: [%d] has t = %d, [%d] t = %d", i-1, k.Samples[i-1][ink.SampleT], i, t)
		}
		down = down || k.Samples[i][ink.SampleSwitch] != 0
	}
	if !down {
		return k, bad("manifest.ink.samples", "has no sample with the pen down: nothing was written")
	}
	return k, nil
}

func checkRender(v jcs.Value, pad ink.Pad) (Render, *VerifyError) {
	var r Render
	g, err := object("manifest.render", v, []string{"width", "height", "color", "background", "minWidth", "maxWidth"}, nil)
	if err != nil {
		return r, err
	}
	var n [4]int64
	for i, name := range []string{"width", "height", "minWidth", "maxWidth"} {
		if n[i], err = integer("manifest.render."+name, g[name], 1, 10000); err != nil {
			return r, err
		}
	}
	r = Render{Width: int(n[0]), Height: int(n[1]), MinWidth: int(n[2]), MaxWidth: int(n[3])}
	for _, c := range []struct {
		name string
		dst  *string
	}{{"color", &r.Color}, {"background", &r.Background}} {
		cv := g[c.name]
		if cv.Kind() != jcs.String {
			return r, bad("manifest.render."+c.name, "is %s, not a colour", cv.Kind())
		}
		*c.dst = cv.Str()
	}
	if c, err := ink.ParseColor(r.Color); err != nil || c.A == 0 {
		return r, bad("manifest.render.color", "is %q, not a colour #rrggbb", r.Color)
	}
	if _, err := ink.ParseColor(r.Background); err != nil {
		return r, bad("manifest.render.background", "is %q, not transparent or a colour #rrggbb", r.Background)
	}
	opt, oerr := r.options()
	if oerr != nil {
		return r, bad("manifest.render", "%v", oerr)
	}
	resolved, oerr := opt.Resolve(pad)
	if oerr != nil {
		return r, bad("manifest.render", "%v", oerr)
	}
	if renderOf(resolved) != r {
		return r, bad("manifest.render", "is not a complete set of the renderer's options (the renderer would use %+v)", renderOf(resolved))
	}
	return r, nil
}
