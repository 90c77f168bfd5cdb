package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics, that every problem it reports
// names a line of the input (every problem comes from the input: the
// defaults are valid), and that a configuration it accepts is valid.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.toml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(Example())
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "f.toml")
		if err == nil {
			if errs := c.Validate(); errs != nil {
				t.Fatalf("accepted, yet invalid: %v", errs)
			}
			return
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("the error is not Errors: %v", err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, e := range errs {
			if e.Line < 1 || e.Line > lines || e.File != "f.toml" || e.Msg == "" {
				t.Errorf("problem without a line of the input (1…%d): %+v", lines, *e)
			}
		}
		again, err2 := Parse(data, "f.toml")
		if err2 == nil || err2.Error() != err.Error() || fmt.Sprintf("%#v", again) != fmt.Sprintf("%#v", c) { // %#v: NaN != NaN
			t.Errorf("a second Parse differs:\n%v\n%v", err, err2)
		}
	})
}
