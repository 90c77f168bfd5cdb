package escpos

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// The status parsers take any bytes: never a panic, an error exactly when
// the fixed bits are wrong.
func FuzzParseRealTime(f *testing.F) {
	for _, s := range []struct {
		n int
		b byte
	}{{1, 0x12}, {1, 0x16}, {2, 0x32}, {2, 0x52}, {3, 0x1A}, {4, 0x72}, {4, 0x1E}, {0, 0}, {9, 0xFF}} {
		f.Add(s.n, s.b)
	}
	f.Fuzz(func(t *testing.T, n int, b byte) {
		s, err := ParseRealTime(n, b)
		valid := n >= 1 && n <= 4 && b&0x93 == 0x12
		if (err == nil) != valid {
			t.Fatalf("n=%d b=%02X: %v", n, b, err)
		}
		if err != nil && (s != Status{} || !errors.Is(err, ErrBadStatus)) {
			t.Fatalf("an error with a status: %+v %v", s, err)
		}
		_ = s.Problem()
		_ = s.String()
	})
}

// The reader splits any stream in bounded work, accounts for every byte,
// and answers each request at most once.
func FuzzStatusReader(f *testing.F) {
	for _, s := range [][]byte{
		{0x12, 0x10, 0x00, 0x00, 0x00, 0x00},
		{0x16, 0x32, 0x72},
		[]byte("_EPSON\x00=TM-T88V\x00"),
		{0x10, 0x00},
		{0x10, 0x00, 0x0C, 0x00, 0x0C},
		{0xFF, 0x80, 0x93, 0x35},
	} {
		f.Add(s, []byte{2, 4}, uint8(3))
	}
	f.Fuzz(func(t *testing.T, stream, requests []byte, chunk uint8) {
		var r StatusReader
		for _, n := range requests {
			r.Expect(int(n%5) + 1)
		}
		size := int(chunk%16) + 1
		for i := 0; i < len(stream); i += size {
			r.Write(stream[i:min(i+size, len(stream))])
		}
		r.Flush()
		total, answered := 0, 0
		for rep, ok := r.Next(); ok; rep, ok = r.Next() {
			total += len(rep.Raw)
			if rep.Kind == ReplyRealTime && rep.Request != 0 {
				answered++
			}
			if len(rep.Raw) == 0 {
				t.Fatalf("an empty reply: %+v", rep)
			}
			_ = rep.Status.Problem()
		}
		if r.Dropped() == 0 && total != len(stream) {
			t.Fatalf("%d of %d bytes accounted for", total, len(stream))
		}
		if answered > min(len(requests), maxOutstanding) {
			t.Fatalf("%d answers to %d requests", answered, len(requests))
		}
	})
}

// Layout takes any receipt JSON: never a panic, and every error is a
// validation error naming a block and a field.
func FuzzLayout(f *testing.F) {
	for _, s := range []string{
		`{"width":58,"blocks":[{"type":"title","text":"社会救助申请回执"},{"type":"kv","key":"申请人：","value":"刘䶮"},{"type":"divider"},{"type":"barcode","data":"A001-2026"},{"type":"qr","data":"https://example.gov.cn/q?id=A001"},{"type":"feed","lines":2}]}`,
		`{"width":80,"noCut":true,"blocks":[{"type":"text","text":"金额：¥1,234.50\n第二行","align":"right","bold":true,"size":2}]}`,
		`{"width":58,"blocks":[{"type":"image","png":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="}]}`,
		`{"width":58,"blocks":[{"type":"kv","key":"𠮷","value":"😀\u0301","size":2}]}`,
		`{"width":76,"blocks":[{"type":"table"}]}`,
		`{"width":58,"blocks":[{"type":"barcode","data":"{{{{1234567890"}]}`,
	} {
		f.Add([]byte(s), uint8(0))
	}
	fonts := testFonts(f)
	profiles := []Profile{Generic58(), Generic80(), Epson80(), Blind58()}
	gb := Generic58()
	gb.Charset = CharsetGB18030
	profiles = append(profiles, gb)
	f.Fuzz(func(t *testing.T, doc []byte, which uint8) {
		var r Receipt
		if json.Unmarshal(doc, &r) != nil {
			return
		}
		p := profiles[int(which)%len(profiles)]
		job, err := Layout(r, p, fonts)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field == "" || ve.Err == nil {
				t.Fatalf("not a validation error: %v", err)
			}
			return
		}
		if job.Len() == 0 || job.Len() > MaxJobBytes+4096 {
			t.Fatalf("a job of %d bytes", job.Len())
		}
		if _, err := decodeESCPOS(job.Bytes()); err != nil {
			t.Fatalf("the job does not decode: %v", err)
		}
	})
}

// Wrap over any text keeps every line within the columns and loses nothing.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{"社会救助申请回执", "ID 370481199001014828 ok", "刘䶮 ¥1 • 😀", "a\u0301\u0301b", ""} {
		f.Add(s, uint8(32), uint8(1))
	}
	p := Generic58()
	f.Fuzz(func(t *testing.T, s string, cols, size uint8) {
		c, z := int(cols%64)+4, int(size%2)+1
		w := p.ColumnFunc(z)
		lines := Wrap(s, c, w)
		for _, l := range lines {
			if lineCols(l, w) > c {
				t.Fatalf("%q: line %q over %d columns", s, l, c)
			}
		}
		if joined, want := strings.Join(lines, ""), removeNewlines(s); joined != want {
			t.Fatalf("%q: joined %q", s, joined)
		}
	})
}

func removeNewlines(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\n' {
			out = append(out, s[i])
		}
	}
	return string(out)
}
