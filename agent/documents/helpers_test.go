package documents

import (
	"bytes"
	"compress/zlib"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// The test household: the applicant, her husband (an Extension B
// character in his name), their son (Extension A), absent, and a
// grandchild of 9, for whom the applicant signs as guardian.
const (
	idApplicant = "370481195203141371"
	idHusband   = "37048119491108201X"
	idSon       = "370481197605230034"
	idGrandkid  = "370481201506180025"
	nameHusband = "李𠮷昌"
	nameSon     = "李䶮"
)

var cst = time.FixedZone("CST", 8*3600)

var at = time.Date(2024, 6, 3, 9, 41, 0, 0, cst)

func household() *platform.Household {
	return &platform.Household{
		ID:          "H-3704810001",
		Region:      platform.Region{Code: "370481001001", Name: "滕州市龙泉街道荆河社区", Urban: true},
		ApplicantID: "P1",
		Members: []platform.Member{
			{ID: "P1", Name: "王秀兰", IDNumber: idApplicant, Relation: "本人", Sex: "女", BirthDate: "1952-03-14"},
			{ID: "P2", Name: nameHusband, IDNumber: idHusband, Relation: "配偶", Sex: "男", BirthDate: "1949-11-08"},
			{ID: "P3", Name: nameSon, IDNumber: idSon, Relation: "子女", Sex: "男", BirthDate: "1976-05-23"},
			{ID: "P4", Name: "李小雨", IDNumber: idGrandkid, Relation: "孙子女", Sex: "女", BirthDate: "2015-06-18"},
			{ID: "P5", Name: "李某某", IDNumber: "370481198001010011", Relation: "其他", Excluded: "服刑"},
		},
	}
}

func application() platform.Application {
	return platform.Application{
		IdempotencyKey: "K-20240603-0007",
		HouseholdID:    "H-3704810001",
		Applicant:      platform.Person{Name: "王秀兰", IDNumber: idApplicant, Phone: "13805321234"},
		Items:          []string{platform.ItemDibao, platform.ItemYiliao},
		Channel:        "kiosk",
		Terminal:       "kiosk-tz-07",
		CreatedAt:      "2024-06-03T09:41:00+08:00",
	}
}

func office() Office {
	return Office{
		Name:           "滕州市龙泉街道便民服务中心",
		CivilAffairs:   "滕州市民政局",
		CheckAgency:    "居民家庭经济状况核对中心",
		Address:        "滕州市学院中路 1 号",
		Phone:          "0632-5512345",
		Supervision:    []platform.Contact{{Name: "政务服务热线", Phone: "12345"}, {Name: "民政服务热线", Phone: "12349"}},
		Window:         "龙泉街道便民服务中心 3 号窗口",
		RetentionYears: 10,
	}
}

// fullIDs are the numbers that must never appear whole.
var fullIDs = []string{idApplicant, idHusband, idSon, idGrandkid, "370481198001010011"}

var (
	rendererOnce sync.Once
	renderer     *Renderer
	rendererErr  error
)

// testRenderer is one Renderer for the package's tests, with the system
// fonts (.ci/setup installs fonts-wqy-zenhei and fonts-hanazono).
func testRenderer(t testing.TB) *Renderer {
	t.Helper()
	rendererOnce.Do(func() { renderer, rendererErr = New(Options{}) })
	if rendererErr != nil {
		t.Fatalf("no fonts: install Debian's fonts-wqy-zenhei and fonts-hanazono (.ci/setup does): %v", rendererErr)
	}
	return renderer
}

// testSigner is a fixed Ed25519 key, so that bundles are the same every
// run.
type testSigner struct{ priv ed25519.PrivateKey }

func newTestSigner() testSigner {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i * 7)
	}
	return testSigner{ed25519.NewKeyFromSeed(seed)}
}

func (s testSigner) Public() evidence.PublicKey {
	k, err := evidence.NewPublicKey(evidence.AlgEd25519, s.priv.Public().(ed25519.PublicKey))
	if err != nil {
		panic(err)
	}
	return k
}

func (s testSigner) Sign(m []byte) ([]byte, error) { return ed25519.Sign(s.priv, m), nil }

// handwriting makes pen reports that look like a written name: a few
// loopy strokes across a Wacom STU-540's pad.
func handwriting(seed int) []ink.Sample {
	var out []ink.Sample
	t := int64(0)
	for s := 0; s < 3; s++ {
		x0 := 1200.0 + float64(s)*2800
		for i := 0; i <= 60; i++ {
			u := float64(i) / 60
			x := x0 + u*2200 + 500*math.Sin(u*9+float64(seed+s))
			y := 3800 + 1500*math.Sin(u*6.5+float64(seed*3+s)) + 400*math.Cos(u*17)
			p := int64(300 + 600*math.Sin(math.Pi*u))
			out = append(out, ink.Sample{t, int64(x), int64(y), p, 1})
			t += 5
		}
		out = append(out, ink.Sample{t, int64(x0 + 2200), 3800, 0, 0})
		t += 150
	}
	return out
}

// bundle signs docSHA for name, as the pad would, and returns the
// bundle's bytes.
func bundle(t testing.TB, docTitle, docSHA, name string, seed int) []byte {
	t.Helper()
	m := evidence.Manifest{
		Document:     evidence.Document{Title: docTitle, SHA256: docSHA},
		Signer:       evidence.Signatory{Name: name},
		Device:       evidence.Device{Kind: evidence.DeviceSigpad, Model: "Wacom STU-540", Serial: "5A00123"},
		CapturedAt:   at.Add(time.Duration(seed) * time.Minute),
		Agent:        evidence.Agent{ID: "kiosk-tz-07", Version: "test"},
		PromptSHA256: strings.Repeat("ab", 32),
		Ink:          evidence.Ink{Unit: "0.01mm", Width: 10175, Height: 7631, MaxPressure: 1023, Samples: handwriting(seed)},
	}
	b, err := evidence.Build(m, newTestSigner())
	if err != nil {
		t.Fatal(err)
	}
	out, err := evidence.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sign turns a bundle into the Signature a document takes.
func sign(t testing.TB, docTitle, docSHA, name string, seed int) *Signature {
	t.Helper()
	key := newTestSigner().Public()
	s, err := SignatureFromBundle(bundle(t, docTitle, docSHA, name, seed), &key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func commitment() Commitment {
	return Commitment{
		Application: application(), Household: household(), Office: office(),
		Signers: []Signer{
			{MemberID: "P1", Name: "王秀兰", Relation: "本人", IDNumber: idApplicant, Role: RoleApplicant},
			{MemberID: "P2", Name: nameHusband, Relation: "配偶", IDNumber: idHusband, Role: RoleMember},
		},
		ReportWithinDays: 30,
		Promise:          &OfficePromise{StartWithinDays: 3, DoneWithinDays: 30, MaxDays: 45},
		At:               at,
	}
}

// signedCommitment is the commitment signed by both signers.
func signedCommitment(t testing.TB) (Commitment, *Result) {
	t.Helper()
	r := testRenderer(t)
	c := commitment()
	text, err := r.Commitment(c)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Signers {
		c.Signers[i].Signature = sign(t, "诚信承诺书", text.TextSHA256, c.Signers[i].Name, i)
	}
	c.CaseNumber = "370481202406030007"
	return c, text
}

func authorization() Authorization {
	app := application()
	app.Absent = []string{"P3"}
	return Authorization{
		Application: app, Household: household(), Office: office(),
		Number:    AuthorizationNumber("370481", at, app.IdempotencyKey),
		ValidFrom: at, ValidUntil: at.AddDate(1, 0, -1),
		Signers: []Signer{
			{MemberID: "P1", Name: "王秀兰", Relation: "本人", IDNumber: idApplicant, Role: RoleApplicant},
			{MemberID: "P2", Name: nameHusband, Relation: "配偶", IDNumber: idHusband, Role: RoleMember},
			{MemberID: "P3", Name: nameSon, Relation: "子女", IDNumber: idSon, Role: RoleMember},
			{Name: "王秀兰", Relation: "祖母", IDNumber: idApplicant, Role: RoleGuardian, For: "李小雨"},
		},
		FaceComparison: true, FaceConsent: true,
		At: at,
	}
}

func signedAuthorization(t testing.TB) (Authorization, *Result) {
	t.Helper()
	r := testRenderer(t)
	a := authorization()
	text, err := r.Authorization(a)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Signers {
		if a.Signers[i].MemberID == "P3" {
			a.Signers[i].Absent = true
			continue
		}
		a.Signers[i].Signature = sign(t, "家庭经济状况核对授权书", text.TextSHA256, a.Signers[i].Name, 10+i)
	}
	a.CaseNumber = "370481202406030007"
	return a, text
}

func notices() []platform.Notice {
	return []platform.Notice{
		{
			Item: platform.ItemDibao, Name: "最低生活保障", Basis: "《社会救助暂行办法》第九条至第十二条；《山东省最低生活保障办法》",
			Conditions: []string{"家庭人均月收入低于当地低保标准（城市 1030 元）", "家庭财产符合当地规定"},
			Steps:      []string{"申请受理", "入户调查和信息核对", "村（居）公示 7 天", "县民政局审批", "发放"},
			Materials: []platform.Material{
				{Name: "户口簿", Have: true}, {Name: "身份证", Have: true},
				{Name: "残疾人证原件", Note: "配偶有残疾的需要；到县残联办理；原件 1 份，看后退还"},
				{Name: "医疗费用发票", Note: "近 12 个月自付的；复印件 1 份"},
			},
			TimeLimit: "30 个工作日，特殊情况 45 个工作日", TimeLimitDays: 30,
			Contacts: []platform.Contact{{Name: "龙泉街道民政办", Phone: "0632-5512345"}},
			Appeal:   "对审核结果有意见，可以向县民政局提出；也可以在 60 日内申请行政复议，或 6 个月内提起行政诉讼。",
		},
		{
			Item: platform.ItemYiliao, Name: "医疗救助", Basis: "《社会救助暂行办法》第二十八条",
			Conditions: []string{"低保、特困人员等困难群众"},
			Steps:      []string{"随低保一起审核", "医院结算时直接减免"},
			Materials:  []platform.Material{{Name: "医保信息", Have: true}, {Name: "住院病历", Note: "复印件 1 份"}},
			TimeLimit:  "随低保一起办理", Contacts: []platform.Contact{{Name: "县医保局", Phone: "0632-5598765"}},
			Appeal: "可以向县医保局反映，或申请行政复议。",
		},
	}
}

func receipt() Receipt {
	app := application()
	app.Absent = []string{"P3"}
	app.Signatures = []platform.SignatureRef{
		{Document: "commitment", MemberID: "P1", Name: "王秀兰", BundleSHA256: strings.Repeat("1", 64)},
		{Document: "authorization", MemberID: "P1", Name: "王秀兰", BundleSHA256: strings.Repeat("2", 64)},
		{Document: "authorization", MemberID: "P2", Name: nameHusband, BundleSHA256: strings.Repeat("3", 64)},
	}
	return Receipt{
		Application: app, Household: household(), Office: office(), Operator: "TZ0315",
		Submitted: platform.Submitted{ApplicationID: "370481202406030007", AcceptedAt: "2024-06-03T09:48:12+08:00", Deadline: "2024-07-15"},
		Notices:   notices(), At: at.Add(7 * time.Minute),
	}
}

func notice() Notice {
	return Notice{
		Application: application(), CaseNumber: "370481202406030007", AcceptedAt: at, Operator: "TZ0315",
		Items: notices(), SubmitBy: time.Date(2024, 6, 20, 0, 0, 0, 0, cst), Office: office(), At: at.Add(8 * time.Minute),
	}
}

// need finds a poppler tool; CI installs poppler-utils (.ci/setup).
func need(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s is needed to read the PDFs back: install Debian's poppler-utils (.ci/setup does): %v", tool, err)
	}
	return p
}

// pdfText extracts a PDF's text with pdftotext.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	tool := need(t, "pdftotext")
	f := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// squeeze removes all white space, so that text broken over lines or
// spaced in groups still matches.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

var streamRe = regexp.MustCompile(`(?s)stream\n(.*?)\nendstream`)

// allBytes is the PDF with every Flate stream inflated appended: what a
// byte search must cover.
func allBytes(pdf []byte) []byte {
	out := append([]byte(nil), pdf...)
	for _, m := range streamRe.FindAllSubmatch(pdf, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(zr)
		out = append(out, b...)
	}
	return out
}

// artifact writes a file under the repository's artifacts/.
func artifact(t testing.TB, name string, data []byte) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "artifacts", "documents")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
