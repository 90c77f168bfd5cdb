package pairing

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// known are card field names as the protocol gives them.
var known = []string{"name", "sex", "nation", "birthDate", "idNumber", "idNumberMasked", "address", "photo"}

const zwfw = "https://zwfw.example.gov.cn"

// newStore returns a store in a new temporary state directory.
func newStore(t testing.TB) *Store {
	t.Helper()
	return Open(filepath.Join(t.TempDir(), "state", "pairings.json"))
}

// add adds a pairing and fails the test on an error.
func add(t testing.TB, s *Store, req AddRequest) (string, Pairing) {
	t.Helper()
	if req.Known == nil {
		req.Known = known
	}
	tok, p, err := s.Add(req)
	if err != nil {
		t.Fatal(err)
	}
	return tok, p
}

func TestAddListRemoveReplace(t *testing.T) {
	s := newStore(t)
	if ps, err := s.List(); err != nil || len(ps) != 0 {
		t.Fatalf("empty store: %v %v", ps, err)
	}
	tok1, p1 := add(t, s, AddRequest{Origin: "HTTPS://ZWFW.example.gov.cn:443", Fields: []string{"name", " idNumberMasked", "name"}})
	if p1.Origin != zwfw || p1.Name != "" || strings.Join(p1.Fields, ",") != "name,idNumberMasked" || p1.Created.IsZero() {
		t.Errorf("pairing %+v", p1)
	}
	if !strings.HasPrefix(tok1, "kat_") || len(tok1) != 4+43 {
		t.Errorf("token %q", tok1)
	}
	add(t, s, AddRequest{Native: true, Name: "counter-app", Fields: []string{"all"}})
	add(t, s, AddRequest{Origin: "http://10.1.2.3:8080", Fields: []string{"name"}})
	ps, err := s.List()
	if err != nil || len(ps) != 3 || ps[0].Origin != "http://10.1.2.3:8080" || ps[1].Origin != zwfw || ps[2].Name != "counter-app" {
		t.Fatalf("list %+v %v", ps, err)
	}
	if !ps[2].Allows("photo") || ps[1].Allows("photo") || !ps[1].Allows("name") {
		t.Errorf("Allows")
	}
	// Replace: a new token, the old one stops working.
	tok2, p2 := add(t, s, AddRequest{Origin: zwfw, Fields: []string{"all"}})
	if tok2 == tok1 || p2.TokenHash == p1.TokenHash {
		t.Errorf("replacing gave the same token")
	}
	if _, ok := s.Check(zwfw, tok1); ok {
		t.Errorf("the replaced token still works")
	}
	if p, ok := s.Check(zwfw, tok2); !ok || !p.Allows("photo") {
		t.Errorf("the new token does not work: %+v %v", p, ok)
	}
	if ps, _ := s.List(); len(ps) != 3 {
		t.Errorf("after replace: %d pairings", len(ps))
	}
	// Remove by origin (in any spelling) and by name.
	for _, key := range []string{"https://ZWFW.example.gov.cn", "counter-app"} {
		if ok, err := s.Remove(key); !ok || err != nil {
			t.Errorf("Remove(%q) = %v, %v", key, ok, err)
		}
		if ok, err := s.Remove(key); ok || err != nil {
			t.Errorf("Remove(%q) again = %v, %v", key, ok, err)
		}
	}
	if _, ok := s.Check(zwfw, tok2); ok {
		t.Errorf("a removed pairing's token works")
	}
	if ps, _ := s.List(); len(ps) != 1 {
		t.Errorf("after remove: %+v", ps)
	}
	if _, err := s.Remove("https://x/y"); err == nil {
		t.Errorf("Remove of a bad origin succeeded")
	}
}

func TestTokenWorksOnlyForItsOrigin(t *testing.T) {
	s := newStore(t)
	tokA, _ := add(t, s, AddRequest{Origin: zwfw, Fields: []string{"name"}})
	tokB, _ := add(t, s, AddRequest{Origin: "https://other.example.gov.cn", Fields: []string{"name"}})
	tokN, _ := add(t, s, AddRequest{Native: true, Name: "counter-app", Fields: []string{"name"}})
	tokM, _ := add(t, s, AddRequest{Native: true, Name: "queue-app", Fields: []string{"sex"}})
	cases := []struct {
		origin, token string
		ok            bool
	}{
		{zwfw, tokA, true},
		{"https://ZWFW.example.gov.cn:443", tokA, true},
		{zwfw, tokB, false},
		{"https://other.example.gov.cn", tokA, false},
		{"http://zwfw.example.gov.cn", tokA, false},
		{"https://zwfw.example.gov.cn:8443", tokA, false},
		{"", tokA, false},
		{"", tokN, true},
		{"", tokM, true},
		{zwfw, tokN, false},
		{zwfw, "", false},
		{"", "", false},
		{zwfw, tokA + "x", false},
		{zwfw, tokA[:len(tokA)-1], false},
		{"null", tokA, false},
	}
	for _, c := range cases {
		p, ok := s.Check(c.origin, c.token)
		if ok != c.ok {
			t.Errorf("Check(%q, token) = %v, want %v", c.origin, ok, c.ok)
		}
		if ok && c.origin == "" && (p.Name == "counter-app") != (c.token == tokN) {
			t.Errorf("native token matched %q", p.Name)
		}
	}
}

func TestFileIsOwnerOnlyAndHoldsNoToken(t *testing.T) {
	s := newStore(t)
	var toks []string
	for _, o := range []string{zwfw, "http://10.1.2.3"} {
		tok, _ := add(t, s, AddRequest{Origin: o, Fields: []string{"name"}})
		toks = append(toks, tok)
	}
	b, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range toks {
		if bytes.Contains(b, []byte(tok)) || bytes.Contains(b, []byte(tok[4:])) {
			t.Errorf("the file holds a token")
		}
		h := tokenHash(tok)
		if !bytes.Contains(b, []byte(hexHash(h))) {
			t.Errorf("the file does not hold the token's hash")
		}
	}
	if runtime.GOOS != "windows" {
		for _, p := range []string{s.Path(), filepath.Join(filepath.Dir(s.Path()), "pairings.lock")} {
			fi, err := os.Stat(p)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: %v %v, want 0600", p, fi.Mode(), err)
			}
		}
	}
	ents, _ := os.ReadDir(filepath.Dir(s.Path()))
	if len(ents) != 2 {
		t.Errorf("left behind: %v", ents)
	}
}

func TestSecondStoreSeesChangesWithoutRestart(t *testing.T) {
	s1 := newStore(t)
	s2 := Open(s1.Path())
	if _, ok := s2.Check(zwfw, "kat_x"); ok {
		t.Fatal("check on an empty store")
	}
	// Many quick changes: each must be seen at once, even within one tick
	// of a coarse file clock and with the same file size.
	for i := range 30 {
		tok, _ := add(t, s1, AddRequest{Origin: zwfw, Fields: []string{"name"}})
		if _, ok := s2.Check(zwfw, tok); !ok {
			t.Fatalf("change %d: the second store does not see the new token", i)
		}
	}
	if _, err := s1.Remove(zwfw); err != nil {
		t.Fatal(err)
	}
	if ps, _ := s2.List(); len(ps) != 0 {
		t.Errorf("the second store still lists %+v", ps)
	}
	os.Remove(s1.Path())
	if ps, err := s2.List(); err != nil || len(ps) != 0 {
		t.Errorf("deleted file: %v %v", ps, err)
	}
}

func TestChanged(t *testing.T) {
	s1 := newStore(t)
	ch := s1.Changed()
	tok, _ := add(t, s1, AddRequest{Origin: zwfw, Fields: []string{"name"}})
	select {
	case <-ch:
	default:
		t.Fatal("Changed did not fire on Add")
	}
	s2 := Open(s1.Path())
	s2.List()
	ch2 := s2.Changed()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- s2.Watch(ctx, 5*time.Millisecond) }()
	if ok, _ := s1.Remove(zwfw); !ok {
		t.Fatal("remove")
	}
	select {
	case <-ch2:
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not see another store's Remove")
	}
	if _, ok := s2.Check(zwfw, tok); ok {
		t.Error("the removed token still works")
	}
	// No change, no signal.
	ch3 := s2.Changed()
	s1.Remove(zwfw)
	time.Sleep(30 * time.Millisecond)
	select {
	case <-ch3:
		t.Error("Changed fired without a change")
	default:
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Watch returned %v", err)
	}
}

func TestCorruptFileIsNotOverwritten(t *testing.T) {
	for name, content := range map[string]string{
		"not json":      "{\"version\":1,\"pairings\":[",
		"empty":         "",
		"trailing":      `{"version":1,"pairings":[]} x`,
		"version":       `{"version":2,"pairings":[]}`,
		"unknown field": `{"version":1,"pairings":[],"tokens":["kat_x"]}`,
		"bad origin": `{"version":1,"pairings":[{"origin":"https://X.example","fields":["name"],` +
			`"tokenHash":"` + strings.Repeat("a", 64) + `","created":"2026-11-29T06:44:10Z"}]}`,
		"twice": `{"version":1,"pairings":[` + nativeJSON("app", "a") + "," + nativeJSON("app", "b") + `]}`,
	} {
		s := newStore(t)
		os.MkdirAll(filepath.Dir(s.Path()), 0o700)
		os.WriteFile(s.Path(), []byte(content), 0o600)
		_, err := s.List()
		var ce *CorruptError
		if !errors.As(err, &ce) || ce.Path != s.Path() || !strings.Contains(err.Error(), s.Path()) {
			t.Errorf("%s: List = %v, want a CorruptError naming the file", name, err)
		}
		if _, _, err := s.Add(AddRequest{Origin: zwfw, Fields: []string{"name"}, Known: known}); !errors.As(err, &ce) {
			t.Errorf("%s: Add = %v, want the CorruptError", name, err)
		}
		if _, err := s.Remove("app"); !errors.As(err, &ce) {
			t.Errorf("%s: Remove = %v, want the CorruptError", name, err)
		}
		if b, _ := os.ReadFile(s.Path()); string(b) != content {
			t.Errorf("%s: the corrupt file was overwritten", name)
		}
		if _, ok := s.Check("", "kat_x"); ok {
			t.Errorf("%s: Check succeeded", name)
		}
	}
}

func TestFieldsAreChecked(t *testing.T) {
	s := newStore(t)
	_, _, err := s.Add(AddRequest{Origin: zwfw, Fields: []string{"name", "fingerprint"}, Known: known})
	var ue *UnknownFieldError
	if !errors.As(err, &ue) || ue.Field != "fingerprint" {
		t.Fatalf("got %v", err)
	}
	for _, f := range append(known, "all") {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("the error does not list %q: %v", f, err)
		}
	}
	if _, p := add(t, s, AddRequest{Origin: zwfw, Fields: []string{"name", "all"}}); strings.Join(p.Fields, ",") != "all" {
		t.Errorf("fields %v", p.Fields)
	}
	for name, req := range map[string]AddRequest{
		"no fields":        {Origin: zwfw, Known: known},
		"empty field":      {Origin: zwfw, Fields: []string{""}, Known: known},
		"no known":         {Origin: zwfw, Fields: []string{"name"}},
		"no origin":        {Fields: []string{"name"}, Known: known},
		"native + origin":  {Native: true, Name: "a", Origin: zwfw, Fields: []string{"name"}, Known: known},
		"name for origin":  {Name: "a", Origin: zwfw, Fields: []string{"name"}, Known: known},
		"native, no name":  {Native: true, Fields: []string{"name"}, Known: known},
		"native, bad name": {Native: true, Name: "a b", Fields: []string{"name"}, Known: known},
		"native, url name": {Native: true, Name: "https://x", Fields: []string{"name"}, Known: known},
		"wildcard origin":  {Origin: "*", Fields: []string{"name"}, Known: known},
	} {
		if _, _, err := s.Add(req); err == nil {
			t.Errorf("%s: Add succeeded", name)
		}
	}
	if ps, _ := s.List(); len(ps) != 1 {
		t.Errorf("refused requests were stored: %+v", ps)
	}
	add(t, s, AddRequest{Native: true, Name: "柜台程序_v2.1", Fields: []string{"name"}})
}

// nativeJSON is a native program's pairing as the file holds it.
func nativeJSON(name, hashDigit string) string {
	return `{"name":"` + name + `","fields":["name"],"tokenHash":"` + strings.Repeat(hashDigit, 64) +
		`","created":"2026-11-29T06:44:10Z"}`
}
