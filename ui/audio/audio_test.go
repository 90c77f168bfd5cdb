package audio_test

import (
	"bufio"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	"github.com/kiosk-agent/kiosk-agent/ui"
	"github.com/kiosk-agent/kiosk-agent/ui/audio"
)

func prompts(t *testing.T) []audio.Prompt {
	t.Helper()
	ps, err := audio.Prompts()
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// byID is the prompts by id.
func byID(t *testing.T) map[string]audio.Prompt {
	m := map[string]audio.Prompt{}
	for _, p := range prompts(t) {
		m[p.ID] = p
	}
	return m
}

// The files the page plays are the ones embedded in the binary: every
// prompt has one, index.json names it with its true length, it is a whole
// Ogg Opus stream made for that prompt, and nothing else is in the folder.
func TestEveryPromptHasAnEmbeddedFile(t *testing.T) {
	files := ui.Files()
	raw, err := fs.ReadFile(files, "audio/"+audio.IndexName)
	if err != nil {
		t.Fatalf("the index is not embedded: %v", err)
	}
	var index map[string]audio.IndexEntry
	if err := json.Unmarshal(raw, &index); err != nil {
		t.Fatalf("index.json: %v", err)
	}
	ps := prompts(t)
	want := map[string]bool{audio.IndexName: true}
	total := len(raw)
	for _, p := range ps {
		want[p.File()] = true
		e, ok := index[p.ID]
		if !ok {
			t.Errorf("%s: not in index.json", p.ID)
			continue
		}
		if e.File != p.File() {
			t.Errorf("%s: index.json says file %q, want %q", p.ID, e.File, p.File())
		}
		data, err := fs.ReadFile(files, "audio/"+e.File)
		if err != nil {
			t.Errorf("%s: %v", p.ID, err)
			continue
		}
		total += len(data)
		s, err := audio.ParseOggOpus(data)
		if err != nil {
			t.Errorf("%s: %s is not a valid Ogg Opus file: %v", p.ID, e.File, err)
			continue
		}
		if s.Channels != 1 {
			t.Errorf("%s: %d channels, want mono", p.ID, s.Channels)
		}
		if id, _ := s.Comment("KIOSK_PROMPT"); id != p.ID {
			t.Errorf("%s: the file was made for prompt %q", p.ID, id)
		}
		if text, _ := s.Comment("TITLE"); text != p.Text {
			t.Errorf("%s: the file says %q, prompts.tsv %q: go run ./ui/internal/genaudio", p.ID, text, p.Text)
		}
		d := s.Duration()
		if int(d.Milliseconds()) != e.MS {
			t.Errorf("%s: index.json says %d ms, the file lasts %v", p.ID, e.MS, d)
		}
		// A prompt is a sentence or two said slowly: under a second is a
		// lost text, over 15 s too much to listen to at a kiosk.
		if d < time.Second || d > 15*time.Second {
			t.Errorf("%s: lasts %v, want 1 s to 15 s", p.ID, d)
		}
	}
	for id := range index {
		if _, ok := byID(t)[id]; !ok {
			t.Errorf("index.json lists %s, which is no prompt", id)
		}
	}
	entries, err := fs.ReadDir(files, "audio")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !want[e.Name()] {
			t.Errorf("audio/%s belongs to no prompt", e.Name())
		}
	}
	if len(entries) != len(want) {
		t.Errorf("%d entries in audio/, want %d", len(entries), len(want))
	}
	// The audio is in the binary and in every page load's reach: keep it small.
	if total > 1500_000 {
		t.Errorf("the audio takes %d bytes, more than 1.5 MB", total)
	}
}

// steps are the flow engine's steps, read from its source so that a step
// added there without a prompt here fails this test.
func steps(t *testing.T) []string {
	t.Helper()
	dir := filepath.Join("..", "..", "agent", "flow")
	pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, spec := range g.Specs {
					vs := spec.(*ast.ValueSpec)
					if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Step" {
						continue
					}
					for _, v := range vs.Values {
						if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							s, _ := strconv.Unquote(lit.Value)
							out = append(out, s)
						}
					}
				}
			}
		}
	}
	if len(out) < 12 {
		t.Fatalf("found %d steps in %s (%v): has the Step type moved?", len(out), dir, out)
	}
	return out
}

// Every step of the flow has a prompt of its own, and so has every state
// that interrupts a step (flow-screens §4).
func TestEveryStepIsSpoken(t *testing.T) {
	ids := byID(t)
	for _, st := range steps(t) {
		found := false
		for id := range ids {
			found = found || strings.HasPrefix(id, st+".")
		}
		if !found {
			t.Errorf("step %s has no prompt (an id %s.…)", st, st)
		}
	}
	for _, id := range []string{
		"timeout.warn", "timeout.wiped", "staff.called", "read_card.retry", "card.expired", "card.permit",
		"household.none", "platform.offline", "device.reader", "device.pad", "device.printer",
		"receipt.notice", "submit.done", "progress.none", "sign_authorization.next",
	} {
		if _, ok := ids[id]; !ok {
			t.Errorf("no prompt %s", id)
		}
	}
}

// The two documents' summaries are read out exactly as the screen and the
// pad show them.
func TestSummariesAreWhatTheScreenShows(t *testing.T) {
	ids := byID(t)
	for doc, lines := range map[string][]string{"commitment": flow.CommitmentSummary, "authorization": flow.AuthorizationSummary} {
		for i, line := range lines {
			id := doc + ".line" + strconv.Itoa(i+1)
			if p, ok := ids[id]; !ok || p.Text != line {
				t.Errorf("%s is %q, the screen shows %q", id, p.Text, line)
			}
		}
		if _, ok := ids[doc+".line"+strconv.Itoa(len(lines)+1)]; ok {
			t.Errorf("%s has more lines spoken than the screen shows", doc)
		}
	}
}

// specFile is shared/specs/flow-screens.md, beside the repository (as on
// the developers' machines and in CI).
func specFile(t *testing.T) string {
	t.Helper()
	name := filepath.Join("..", "..", "..", "shared", "specs", "flow-screens.md")
	b, err := os.ReadFile(name)
	if err != nil {
		// The screens' spec is the project's, kept beside the checkout,
		// not in it; a checkout alone has only prompts.tsv to go by.
		t.Skipf("the project's spec (shared/specs/flow-screens.md) is not beside this checkout: %v", err)
	}
	return string(b)
}

var (
	tableRow   = regexp.MustCompile("^\\| ([a-z_]+\\.[a-z_]+) \\| [a-z_]+ \\| (.+) \\|$")
	voiceID    = regexp.MustCompile("`([a-z_]+\\.[a-z_]+)`")
	listLine   = regexp.MustCompile(`^\s+(\d+)\. (.+)$`)
	quoted     = regexp.MustCompile(`「([^」]+)」`)
	relationsR = regexp.MustCompile(`one file each for ([^.]+)\.`)
)

// beyondTheSpec are prompts of steps that flow-screens.md gives no text to
// say: their wording is ours, following its §7, until the spec has one.
var beyondTheSpec = map[string]bool{
	"home_visit.notes": true, // field mode's 入户记录 step (§1 Modes, §3 submit)
}

// The prompts say what flow-screens.md says, word for word: its table of
// prompts (§6), one per relation, the documents' summaries (§3), and no
// prompt without a text of the spec (a screen's 「text」, or one of
// beyondTheSpec).
func TestPromptsAreTheSpecs(t *testing.T) {
	spec := specFile(t)
	ids := byID(t)
	fromSpec := map[string]string{}
	section := ""
	var summary string // document whose summary list is being read
	sc := bufio.NewScanner(strings.NewReader(spec))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			section, summary = line, ""
		}
		if m := tableRow.FindStringSubmatch(line); m != nil {
			fromSpec[m[1]] = m[2]
		}
		// a prompt id named where the spec says what a screen says aloud
		if strings.Contains(line, "Voice") || strings.HasPrefix(section, "### 4.3") && strings.HasPrefix(line, "| ") {
			for _, m := range voiceID.FindAllStringSubmatch(line, -1) {
				if _, ok := ids[m[1]]; !ok {
					t.Errorf("the spec speaks %s (%q), prompts.tsv has no such prompt", m[1], line)
				}
			}
		}
		if m := relationsR.FindStringSubmatch(line); m != nil {
			rels := strings.Split(strings.ReplaceAll(m[1], ", and ", ", "), ", ")
			for _, r := range rels {
				fromSpec["sign.rel."+r] = "现在请" + r + "签名。"
			}
			// The applicant is spoken to, as 您 (§7.2), not about.
			fromSpec["sign.rel.本人"] = "现在请您本人签名。"
			if len(rels) < 10 {
				t.Errorf("read %d relations from %q", len(rels), line)
			}
		}
		if strings.Contains(line, "**Summary (our wording):**") {
			switch {
			case strings.HasPrefix(section, "### sign_commitment"):
				summary = "commitment"
			case strings.HasPrefix(section, "### sign_authorization"):
				summary = "authorization"
			default:
				t.Fatalf("a summary under %q", section)
			}
			continue
		}
		if summary != "" {
			if m := listLine.FindStringSubmatch(line); m != nil {
				fromSpec[summary+".line"+m[1]] = m[2]
			} else {
				summary = ""
			}
		}
	}
	if len(fromSpec) < 26+12+10 {
		t.Fatalf("read %d prompts from the spec: has its layout changed?", len(fromSpec))
	}
	for id, text := range fromSpec {
		p, ok := ids[id]
		switch {
		case !ok:
			t.Errorf("the spec has %s %q, prompts.tsv does not", id, text)
		case p.Text != text:
			t.Errorf("%s: prompts.tsv says %q, the spec %q", id, p.Text, text)
		}
	}
	screenTexts := map[string]bool{}
	for _, m := range quoted.FindAllStringSubmatch(spec, -1) {
		screenTexts[m[1]] = true
	}
	for id, p := range ids {
		onScreen := screenTexts[p.Text] || screenTexts[strings.TrimSuffix(p.Text, "。")]
		if _, ok := fromSpec[id]; !ok && !onScreen && !beyondTheSpec[id] {
			t.Errorf("%s %q is neither a prompt of the spec nor one of its screen texts", id, p.Text)
		}
		if _, ok := fromSpec[id]; beyondTheSpec[id] && (ok || onScreen) {
			t.Errorf("%s is in the spec now: take it off beyondTheSpec", id)
		}
	}
}

// flow-screens §7: a spoken prompt is at most 40 characters (the document
// summaries are read from the document and may be longer), says 您, never
// 你, and the documents' summaries are not prompts of a step.
func TestWordingRules(t *testing.T) {
	for _, p := range prompts(t) {
		n := 0
		for _, r := range p.Text {
			if !unicode.IsPunct(r) {
				n++
			}
		}
		if n > 40 && !strings.Contains(p.ID, ".line") {
			t.Errorf("%s has %d characters, more than 40", p.ID, n)
		}
		if strings.Contains(p.Text, "你") {
			t.Errorf("%s says 你", p.ID)
		}
		if !strings.ContainsAny(p.Text[len(p.Text)-3:], "。？！") {
			t.Errorf("%s does not end a sentence: %q", p.ID, p.Text)
		}
	}
}

// Every reading in the lexicon is used, is pinyin or plain characters, and
// changes what the speech tool gets only where it says.
func TestLexicon(t *testing.T) {
	lx, err := audio.LoadLexicon()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]int{}
	for _, p := range prompts(t) {
		lx.Say(p.Text, used)
	}
	syllable := regexp.MustCompile(`^([bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?[aeiouv][a-z]*[1-5]$`)
	for _, e := range lx.Entries() {
		if used[e.Word] == 0 {
			t.Errorf("lexicon entry %s is used by no prompt", e.Word)
		}
		if !strings.ContainsFunc(e.Say, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			for _, s := range strings.Fields(e.Say) {
				if !syllable.MatchString(s) {
					t.Errorf("%s: %q is not a pinyin syllable with a tone number", e.Word, s)
				}
			}
			if got, want := len(strings.Fields(e.Say)), len([]rune(e.Word)); got != want {
				t.Errorf("%s: %d syllables for %d characters", e.Word, got, want)
			}
		}
	}
	for _, c := range []struct{ in, want string }{
		{"请看一看。", "请 kan4 yi5 kan4 。"},                // the longer 看一看 before 看看
		{"看看是不是", " kan4 kan5  shi4 bu5 shi4 "},       // two in a row
		{"村（居）委会", "村居委会"},                            // characters for characters, no spaces
		{"您好", "您好"},                                  // nothing to do
		{"也可以要求更正。", "也可以 yao1 qiu2  geng1 zheng4 。"}, // one after the other
	} {
		if got := lx.Say(c.in, nil); got != c.want {
			t.Errorf("Say(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// The ids are the pages' names for the prompts: kept in README.md's list,
// so a change to them is seen.
func TestREADMEListsTheIDs(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, p := range prompts(t) {
		if !strings.Contains(string(b), "`"+p.ID+"`") {
			missing = append(missing, p.ID)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("README.md does not list %v", missing)
	}
}
