package readme

import "testing"

func TestSplice(t *testing.T) {
	doc := "# x\n\n" + Begin + "\nold\n" + End + "\n\nafter\n"
	got, err := Splice([]byte(doc), "| new |\n")
	if want := "# x\n\n" + Begin + "\n| new |\n" + End + "\n\nafter\n"; err != nil || string(got) != want {
		t.Errorf("Splice: %q, %v", got, err)
	}
	for _, bad := range []string{"no markers", End + "\n" + Begin + "\n", Begin + "\n" + Begin + "\n" + End} {
		if _, err := Splice([]byte(bad), "t"); err == nil {
			t.Errorf("Splice(%q) did not fail", bad)
		}
	}
}
