package documents

import (
	"bytes"
	"errors"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
)

// renderAll renders all four documents (the signed ones signed).
func renderAll(t *testing.T) map[string]*Result {
	t.Helper()
	r := testRenderer(t)
	out := map[string]*Result{}
	c, _ := signedCommitment(t)
	res, err := r.Commitment(c)
	if err != nil {
		t.Fatal(err)
	}
	out["commitment"] = res
	a, _ := signedAuthorization(t)
	if res, err = r.Authorization(a); err != nil {
		t.Fatal(err)
	}
	out["authorization"] = res
	if res, err = r.Receipt(receipt()); err != nil {
		t.Fatal(err)
	}
	out["receipt"] = res
	if res, err = r.Notice(notice()); err != nil {
		t.Fatal(err)
	}
	out["notice"] = res
	return out
}

// toPNG draws a PDF's pages with pdftoppm at dpi into dir/name-N.png.
func toPNG(t *testing.T, pdfPath string, dpi string) []string {
	t.Helper()
	tool := need(t, "pdftoppm")
	out := strings.TrimSuffix(pdfPath, ".pdf")
	old, _ := filepath.Glob(out + "-*.png")
	for _, o := range old {
		os.Remove(o)
	}
	if b, err := exec.Command(tool, "-r", dpi, "-png", pdfPath, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	pngs, _ := filepath.Glob(out + "-*.png")
	return pngs
}

// Every document renders, every page draws (pdftoppm) — the PNGs under
// artifacts/documents/ are there to be looked at.
func TestRenderToPNG(t *testing.T) {
	for name, res := range renderAll(t) {
		p := artifact(t, name+".pdf", res.PDF)
		pngs := toPNG(t, p, "110")
		if len(pngs) != res.Pages {
			t.Errorf("%s: %d pages, pdftoppm drew %d", name, res.Pages, len(pngs))
		}
		t.Logf("%s: %d pages, %d bytes, fallback %v, missing %q", name, res.Pages, len(res.PDF), res.Fallback, res.Missing)
	}
}

// The text read back from each PDF holds what it must: names, masked ID
// numbers, the items, the signatures' bundle hashes, the numbers.
func TestTextContent(t *testing.T) {
	docs := renderAll(t)
	c, _ := signedCommitment(t)
	a, _ := signedAuthorization(t)
	want := map[string][]string{
		"commitment": {"社会救助申请诚信承诺书", "王秀兰", nameHusband, nameSon, "370481********1371", "370481********201X",
			"最低生活保障（低保）", "医疗救助", "入户调查", "公示", "1倍到3倍", "近亲属", "本人的回答：没有",
			"370481202406030007", "verify-signature", "第1页，共2页",
			c.Signers[0].Signature.BundleSHA256, c.Signers[1].Signature.BundleSHA256, shortHash(c.Signers[0].Signature.BundleSHA256)},
		"authorization": {"家庭经济状况核对授权书", a.Number, "滕州市民政局", "银行存款", "民政部门", "只用来审核本次申请",
			"敏感个人信息", "保存10年", "王秀兰", nameHusband, nameSon, "李小雨", "370481********0025", "不在场，待补签",
			"由监护人代签", "监护人（代李小雨签）", "单独同意", a.Signers[0].Signature.BundleSHA256, "2025年6月2日"},
		"receipt": {"社会救助申请受理回执", "3704812024060300 07", "王*兰", "370481********1371", "低保、医疗救助",
			"最晚2024年7月15日前给您答复", "子女李*", "残疾人证原件", "0632-5512345", "12345", "12349", "办理不收任何费用"},
		"notice": {"社会救助一次性告知书", "370481202406030007", "王*兰", "请在2024年6月20日前交到", "残疾人证原件", "住院病历",
			"户口簿、身份证、医保信息", "《社会救助暂行办法》", "30个工作日", "行政复议", "TZ0315", "首问负责"},
	}
	for name, res := range docs {
		text := squeeze(pdfText(t, res.PDF))
		for _, w := range want[name] {
			if !strings.Contains(text, squeeze(w)) {
				t.Errorf("%s: no %q in the text", name, w)
			}
		}
		// Result.Text, what a screen shows as the full text, says the
		// same, without the page footers.
		own := squeeze(strings.Join(res.Text, "\n"))
		for _, w := range want[name] {
			footer := strings.HasPrefix(w, "第1页")
			if strings.Contains(own, squeeze(w)) == footer {
				t.Errorf("%s: Result.Text has %q: %v, want %v", name, w, !footer, footer)
			}
		}
	}
}

// No full ID number is anywhere in a PDF: not in its text, not in its
// bytes, not in any inflated stream; nor a birth date, which is the
// masked part of the number.
func TestNoFullIDNumber(t *testing.T) {
	for name, res := range renderAll(t) {
		text := squeeze(pdfText(t, res.PDF))
		raw := allBytes(res.PDF)
		for _, id := range fullIDs {
			if strings.Contains(text, id) {
				t.Errorf("%s: full ID number in the text", name)
			}
			if bytes.Contains(raw, []byte(id)) {
				t.Errorf("%s: full ID number in the bytes", name)
			}
		}
		for _, birth := range []string{"19520314", "1952-03-14", "1952年3月14日", "20150618"} {
			if strings.Contains(text, birth) {
				t.Errorf("%s: a birth date (%s) in the text", name, birth)
			}
		}
	}
}

// Rare characters come out: 𠮷 (Extension B) and 䶮 (Extension A) are in
// the extracted text (the ToUnicode repair), the fonts they come from are
// embedded, and the fallback is reported.
func TestRareCharacters(t *testing.T) {
	r := testRenderer(t)
	c, _ := signedCommitment(t)
	res, err := r.Commitment(c)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, res.PDF)
	for _, s := range []string{nameHusband, nameSon, "𠮷", "䶮"} {
		if !strings.Contains(text, s) {
			t.Errorf("%q missing from the extracted text", s)
		}
	}
	if strings.Contains(text, "₻") {
		t.Error("𠮷 extracts as ₻: gopdf's ToUnicode entry was not repaired")
	}
	if len(res.Missing) != 0 {
		t.Errorf("missing %q", res.Missing)
	}
	fb, missing := r.Check(nameHusband + nameSon)
	if len(missing) != 0 {
		t.Errorf("Check: missing %q", missing)
	}
	for _, f := range fb {
		if f.Char != '𠮷' && f.Char != '䶮' {
			t.Errorf("Check: %q falls back, only 𠮷 or 䶮 should", f.Char)
		}
	}
	// pdffonts: every font embedded, as CID TrueType.
	f := artifact(t, "rare.pdf", res.PDF)
	out, err := exec.Command(need(t, "pdffonts"), f).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")[2:]
	if len(lines) < 1 {
		t.Fatalf("pdffonts lists no font:\n%s", out)
	}
	for _, l := range lines {
		if !strings.Contains(l, "CID TrueType") || !strings.Contains(l, " yes ") {
			t.Errorf("font not embedded as CID TrueType: %s", l)
		}
	}
}

// A character no font has is drawn as a box with its code point and
// reported, never dropped; so are control characters and invalid UTF-8.
func TestMissingCharacters(t *testing.T) {
	r := testRenderer(t)
	c := commitment()
	c.Application.Applicant.Name = "王\uE000兰\x07"
	c.Household = nil
	c.Signers = nil
	res, err := r.Commitment(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []rune{0xE000, 0x07} {
		if !containsRune(res.Missing, m) {
			t.Errorf("U+%04X not reported missing (%q)", m, res.Missing)
		}
	}
	text := squeeze(pdfText(t, res.PDF))
	for _, w := range []string{"王U+E000兰U+0007", "U+E000"} {
		if !strings.Contains(text, w) {
			t.Errorf("no %q in the text", w)
		}
	}
	c.Application.Applicant.Name = "王\xff兰"
	res, err = r.Commitment(c)
	if err != nil {
		t.Fatal(err)
	}
	if !containsRune(res.Missing, 0xFFFD) {
		t.Errorf("invalid UTF-8 not reported: %q", res.Missing)
	}
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// Rendering is deterministic: the same data and time give the same
// bytes, also from another Renderer.
func TestDeterministic(t *testing.T) {
	a := renderAll(t)
	b := renderAll(t)
	for name := range a {
		if !bytes.Equal(a[name].PDF, b[name].PDF) {
			t.Errorf("%s: two renderings differ", name)
		}
	}
	r2, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r2.Receipt(receipt())
	if err != nil {
		t.Fatal(err)
	}
	if res.SHA256 != a["receipt"].SHA256 {
		t.Error("another Renderer renders another receipt")
	}
}

// The text rendering is what the signers sign: its SHA-256 is the
// signed record's TextSHA256 and appears in it, rendering the text
// again gives it again, and a signature over another text is refused.
func TestSignedText(t *testing.T) {
	r := testRenderer(t)
	c, text := signedCommitment(t)
	if text.TextSHA256 != text.SHA256 {
		t.Fatal("the text rendering's TextSHA256 is not its own SHA-256")
	}
	res, err := r.Commitment(c)
	if err != nil {
		t.Fatal(err)
	}
	if res.TextSHA256 != text.SHA256 {
		t.Errorf("signed record names text %s, the text is %s", res.TextSHA256, text.SHA256)
	}
	if !strings.Contains(squeeze(pdfText(t, res.PDF)), text.SHA256) {
		t.Error("the signed record does not print the text's SHA-256")
	}
	again, err := r.Commitment(commitment())
	if err != nil {
		t.Fatal(err)
	}
	if again.SHA256 != text.SHA256 {
		t.Error("the text renders differently the second time")
	}
	// The text shows no signature, no case number.
	tt := squeeze(pdfText(t, text.PDF))
	if strings.Contains(tt, "370481202406030007") || strings.Contains(tt, c.Signers[0].Signature.BundleSHA256) {
		t.Error("the text rendering carries the case number or a signature")
	}
	// A signature over something else.
	c.Signers[1].Signature = sign(t, "诚信承诺书", strings.Repeat("0", 64), nameHusband, 5)
	_, err = r.Commitment(c)
	var me *MismatchError
	if !errors.As(err, &me) || me.Signer != "signers[1]" {
		t.Errorf("a signature over another text: %v, want a *MismatchError for signers[1]", err)
	}
	if strings.Contains(err.Error(), nameHusband) {
		t.Error("the error names the signer")
	}
	// An absent member signs later: the same text, the same hash.
	a, atext := signedAuthorization(t)
	for i := range a.Signers {
		if a.Signers[i].MemberID == "P3" {
			a.Signers[i].Absent = false
			a.Signers[i].Signature = sign(t, "家庭经济状况核对授权书", atext.TextSHA256, nameSon, 30)
		}
	}
	later, err := r.Authorization(a)
	if err != nil {
		t.Fatalf("the absent member's later signature: %v", err)
	}
	if later.TextSHA256 != atext.TextSHA256 {
		t.Error("the text changed when the absent member signed")
	}
	if strings.Contains(squeeze(pdfText(t, later.PDF)), "不在场，待补签") {
		t.Error("still marked absent after signing")
	}
}

// A signature picture that is not a PNG, or holds no ink, is an input
// error naming the field (not the person).
func TestBadSignaturePicture(t *testing.T) {
	r := testRenderer(t)
	c := commitment()
	c.Signers[0].Signature = &Signature{PNG: []byte("not a png"), BundleSHA256: strings.Repeat("a", 64), SignedAt: at}
	_, err := r.Commitment(c)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != "signers[0].signature.png" {
		t.Errorf("got %v, want an *InputError for signers[0].signature.png", err)
	}
}

// The QR code on the receipt decodes to the case number (the page drawn
// by pdftoppm, read by gozxing).
func TestReceiptQR(t *testing.T) {
	r := testRenderer(t)
	res, err := r.Receipt(receipt())
	if err != nil {
		t.Fatal(err)
	}
	p := artifact(t, "receipt-qr.pdf", res.PDF)
	pngs := toPNG(t, p, "150")
	f, err := os.Open(pngs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	got, err := gzqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	if got.GetText() != "370481202406030007" {
		t.Errorf("QR code says %q", got.GetText())
	}
}

// Configured fonts come first; a configured font gopdf cannot embed
// (CFF) is an error of its own.
func TestFonts(t *testing.T) {
	r := testRenderer(t)
	fs := r.Fonts()
	if len(fs) == 0 || !strings.Contains(fs[0].Path, "wqy-zenhei") {
		t.Errorf("fonts %+v: want WenQuanYi Zen Hei first", fs)
	}
	noto := "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
	if _, err := os.Stat(noto); err == nil {
		_, err := New(Options{Fonts: []string{noto}, NoSystemFonts: true})
		if !errors.Is(err, ErrCFF) {
			t.Errorf("Noto Sans CJK configured: %v, want ErrCFF", err)
		}
		found := false
		for _, e := range r.Skipped() {
			found = found || errors.Is(e, ErrCFF)
		}
		if !found {
			t.Errorf("Noto Sans CJK not reported as skipped (CFF): %v", r.Skipped())
		}
	}
	one, err := New(Options{Fonts: []string{"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#1"}, NoSystemFonts: true})
	if err != nil {
		t.Fatal(err)
	}
	if f := one.Fonts(); len(f) != 1 || f[0].Face != 1 || !strings.Contains(f[0].Name, "Mono") {
		t.Errorf("face #1 of wqy-zenhei.ttc: %+v", f)
	}
	// With Zen Hei alone, 𠮷 has no font: a box, reported.
	res, err := one.Commitment(commitment())
	if err != nil {
		t.Fatal(err)
	}
	if !containsRune(res.Missing, '𠮷') {
		t.Errorf("𠮷 not reported missing with Zen Hei alone: %q", res.Missing)
	}
	if _, err := New(Options{Fonts: []string{"/nonexistent.ttf"}}); err == nil {
		t.Error("a configured font that does not exist is no error")
	}
}

// One Renderer, many goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	r := testRenderer(t)
	want, err := r.Receipt(receipt())
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			res, err := r.Receipt(receipt())
			if err == nil && res.SHA256 != want.SHA256 {
				err = errors.New("a concurrent rendering differs")
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestMasks(t *testing.T) {
	for in, want := range map[string]string{
		"370481195203141371": "370481********1371", "37048119491108201X": "370481********201X",
		"12345": "***45", "": "", "1234": "****",
	} {
		if got := MaskID(in); got != want {
			t.Errorf("MaskID(%q) = %q, want %q", in, got, want)
		}
	}
	if got := MaskID("370481520314137"); got != "370481*****4137" {
		t.Errorf("15-digit: %q", got)
	}
	for in, want := range map[string]string{"王秀兰": "王*兰", "李䶮": "李*", "欧阳小明": "欧**明", "王": "王"} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := MaskPhone("13805321234"); got != "138****1234" {
		t.Errorf("MaskPhone: %q", got)
	}
}
