// Package audio is the kiosk's list of spoken prompts and what is needed to
// make and check their sound files.
//
// prompts.tsv lists every prompt: its id, its text exactly as written in
// shared/specs/flow-screens.md (§6, §3 and its screen texts), and the file
// name when the id is not plain ASCII. lexicon.tsv says how the speech tool
// must say the words it gets wrong (a pinyin reading or a spoken form), so
// the texts stay as the spec wrote them. The generator (go run
// ./ui/internal/genaudio) turns each prompt into ui/static/audio/<file>.opus,
// an Ogg Opus file that names its prompt, text and recipe in its comments,
// and writes ui/static/audio/index.json, which maps each id to its file and
// duration for the page. ParseOggOpus reads those files back without any
// external tool, for the generator and for the tests. README.md says how
// and why.
package audio

import (
	"bufio"
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

//go:embed prompts.tsv
var promptsTSV string

//go:embed lexicon.tsv
var lexiconTSV string

// Ext is the extension of the prompt files.
const Ext = ".opus"

// IndexName is the name of the index file in the audio folder.
const IndexName = "index.json"

// A Prompt is one spoken prompt.
type Prompt struct {
	ID   string // e.g. "read_card.place" or "sign.rel.妻子"
	Text string // as the spec writes it
	Stem string // the file name without Ext: the id, or the ASCII name given for it
}

// File is the prompt's file name in the audio folder.
func (p Prompt) File() string { return p.Stem + Ext }

// An IndexEntry is what index.json says about one prompt.
type IndexEntry struct {
	File string `json:"file"` // name in the audio folder, served at /audio/<file>
	MS   int    `json:"ms"`   // duration in milliseconds
}

// stemRE is what a file name may be made of: ASCII that needs no escaping
// in a URL and means the same on every file system.
var stemRE = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// Prompts returns the list in prompts.tsv, in its order.
func Prompts() ([]Prompt, error) {
	var out []Prompt
	ids, stems := map[string]bool{}, map[string]bool{}
	err := eachLine(promptsTSV, func(n int, f []string) error {
		if len(f) < 2 || len(f) > 3 {
			return fmt.Errorf("prompts.tsv:%d: want id<TAB>text[<TAB>file name], got %d fields", n, len(f))
		}
		p := Prompt{ID: f[0], Text: f[1], Stem: f[0]}
		if len(f) == 3 {
			p.Stem = f[2]
		}
		switch {
		case p.ID == "" || p.Text == "":
			return fmt.Errorf("prompts.tsv:%d: empty id or text", n)
		case !stemRE.MatchString(p.Stem):
			return fmt.Errorf("prompts.tsv:%d: file name %q for %s is not lower-case ASCII words joined by dots (give one in a third column)", n, p.Stem, p.ID)
		case ids[p.ID]:
			return fmt.Errorf("prompts.tsv:%d: id %s twice", n, p.ID)
		case stems[p.Stem]:
			return fmt.Errorf("prompts.tsv:%d: file name %s twice", n, p.Stem)
		}
		ids[p.ID], stems[p.Stem] = true, true
		out = append(out, p)
		return nil
	})
	return out, err
}

// A Lexicon says how the speech tool must say some words.
type Lexicon struct {
	entries []LexEntry // longest word first
}

// A LexEntry replaces Word with Say before the text goes to the speech tool.
type LexEntry struct {
	Word string // as written in the prompts
	Say  string // pinyin with tone numbers (5 = neutral tone), or other characters
	Why  string
}

// LoadLexicon returns the entries of lexicon.tsv.
func LoadLexicon() (*Lexicon, error) {
	lx := &Lexicon{}
	seen := map[string]bool{}
	err := eachLine(lexiconTSV, func(n int, f []string) error {
		if len(f) != 3 || f[0] == "" || f[1] == "" || f[2] == "" {
			return fmt.Errorf("lexicon.tsv:%d: want word<TAB>say<TAB>why", n)
		}
		if seen[f[0]] {
			return fmt.Errorf("lexicon.tsv:%d: %s twice", n, f[0])
		}
		seen[f[0]] = true
		lx.entries = append(lx.entries, LexEntry{Word: f[0], Say: f[1], Why: f[2]})
		return nil
	})
	sort.SliceStable(lx.entries, func(i, j int) bool {
		return utf8.RuneCountInString(lx.entries[i].Word) > utf8.RuneCountInString(lx.entries[j].Word)
	})
	return lx, err
}

// Entries returns the entries, longest word first.
func (lx *Lexicon) Entries() []LexEntry { return lx.entries }

// Say returns text as the speech tool should get it: from left to right,
// the longest word of the lexicon that starts at each place is replaced by
// its reading. Pinyin is set off by spaces from the characters around it.
// used, if not nil, counts the entries applied.
func (lx *Lexicon) Say(text string, used map[string]int) string {
	var b strings.Builder
	for i := 0; i < len(text); {
		matched := false
		for _, e := range lx.entries {
			if strings.HasPrefix(text[i:], e.Word) {
				if isPinyin(e.Say) {
					b.WriteString(" " + e.Say + " ")
				} else {
					b.WriteString(e.Say)
				}
				if used != nil {
					used[e.Word]++
				}
				i += len(e.Word)
				matched = true
				break
			}
		}
		if !matched {
			_, n := utf8.DecodeRuneInString(text[i:])
			b.WriteString(text[i : i+n])
			i += n
		}
	}
	return b.String()
}

// pinyinRE is one or more pinyin syllables with tone numbers (ü as v).
var pinyinRE = regexp.MustCompile(`^[a-z]+[1-5]( [a-z]+[1-5])*$`)

func isPinyin(s string) bool { return pinyinRE.MatchString(s) }

// eachLine calls fn with the tab-separated fields of each line that is not
// empty or a comment.
func eachLine(text string, fn func(n int, fields []string) error) error {
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := fn(n, strings.Split(line, "\t")); err != nil {
			return err
		}
	}
	return sc.Err()
}
