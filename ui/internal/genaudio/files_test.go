package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kiosk-agent/kiosk-agent/ui/audio"
)

// committed reads a prompt's committed file.
func committed(p audio.Prompt) (audio.OpusStream, error) {
	b, err := os.ReadFile(filepath.Join("..", "..", "static", "audio", p.File()))
	if err != nil {
		return audio.OpusStream{}, err
	}
	return audio.ParseOggOpus(b)
}

// No committed file is older than its text, its readings in the lexicon,
// the settings or the pipeline: each says, in its KIOSK_RECIPE comment,
// the recipe it was made from, and that is the recipe of today.
func TestFilesAreMadeFromTodaysRecipe(t *testing.T) {
	prompts, err := audio.Prompts()
	if err != nil {
		t.Fatal(err)
	}
	lex, err := audio.LoadLexicon()
	if err != nil {
		t.Fatal(err)
	}
	var stale []string
	for _, p := range prompts {
		s, err := committed(p)
		if err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
		got, _ := s.Comment("KIOSK_RECIPE")
		if want := recipeHash(defaults(), lex.Say(p.Text, nil)); got != want {
			stale = append(stale, p.ID)
		}
	}
	if len(stale) > 0 {
		t.Errorf("made from an older text, lexicon or setting: %v; run go run ./ui/internal/genaudio", stale)
	}
}

// Everything that decides the sound is in the recipe; nothing else is.
func TestRecipe(t *testing.T) {
	base := recipeHash(defaults(), "您好。请坐。")
	for name, change := range map[string]func(*settings){
		"rate": func(s *settings) { s.rate++ }, "voice": func(s *settings) { s.voice = "cmn" },
		"pause": func(s *settings) { s.stop++ }, "loudness": func(s *settings) { s.targetLUFS-- },
		"ceiling": func(s *settings) { s.ceilingDBFS -= 0.5 }, "bitrate": func(s *settings) { s.bitrate = 24 },
		"opusenc": func(s *settings) { s.opusArgs = "--framesize 40" }, "tail": func(s *settings) { s.tail++ },
	} {
		s := defaults()
		change(&s)
		if recipeHash(s, "您好。请坐。") == base {
			t.Errorf("a change of %s leaves the recipe as it was", name)
		}
	}
	if recipeHash(defaults(), "您好！请坐。") == base {
		t.Error("a change of text leaves the recipe as it was")
	}
	if recipeHash(defaults(), "您好。请坐。") != base {
		t.Error("the recipe is not the same twice")
	}
}

// Each prompt lasts as long as its text takes at the speaking rate, plus
// the pauses and the silence around it: a file that is much shorter lost
// words, one much longer says something that is not in the text.
func TestSpeakingRate(t *testing.T) {
	prompts, err := audio.Prompts()
	if err != nil {
		t.Fatal(err)
	}
	s := defaults()
	for _, p := range prompts {
		syllables, pauses := 0, 0
		runes := []rune(p.Text)
		for i, r := range runes {
			switch {
			case unicode.Is(unicode.Han, r):
				syllables++
			case i == len(runes)-1:
			case strings.ContainsRune("，；：", r):
				pauses += s.comma
			case r == '、':
				pauses += s.enumComma
			case strings.ContainsRune("。？！", r):
				pauses += s.stop
			}
		}
		f, err := committed(p)
		if err != nil {
			t.Errorf("%s: %v", p.ID, err)
			continue
		}
		speech := f.Duration() - time.Duration(s.lead+s.tail+pauses)*time.Millisecond
		per := speech / time.Duration(syllables)
		// espeak-ng at -s 150 takes 250–320 ms a syllable; a short phrase's
		// last syllable is drawn out.
		if per < 200*time.Millisecond || per > 480*time.Millisecond {
			t.Errorf("%s: %v a syllable (%d syllables in %v of speech)", p.ID, per.Round(time.Millisecond), syllables, speech.Round(time.Millisecond))
		}
	}
}

func TestSSML(t *testing.T) {
	s := defaults()
	got := ssml(s, " 您好，请看<这里>&那里、这里。谢谢。 ")
	want := `<speak><prosody range="high">您好，<break time="350ms"/>请看&lt;这里&gt;&amp;那里、<break time="250ms"/>这里。<break time="650ms"/>谢谢。</prosody></speak>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
