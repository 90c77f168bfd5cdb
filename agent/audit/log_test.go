package audit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAppendWritesChainedRecords(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	rec := Record{
		Time: time.Date(2026, 11, 29, 6, 44, 10, 123456789, time.FixedZone("CST", 8*3600)), Event: EventIDCardDisclosed,
		Device: "idcard-0", Origin: "https://zwfw.example.gov.cn", Client: "counter-app", ID: "370481********123X",
		Purpose: "低保申请", Result: "ok", Reason: "", Detail: map[string]string{"fields": "name,idNumberMasked"},
	}
	if err := l.Append(rec); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(Record{Event: EventAgentStopped}); err != nil {
		t.Fatal(err)
	}
	ls := lines(t, filepath.Join(dir, currentName))
	want := `{"seq":1,"time":"2026-11-28T22:44:10.123Z","event":"idcard.disclosed","device":"idcard-0",` +
		`"origin":"https://zwfw.example.gov.cn","client":"counter-app","id":"370481********123X","purpose":"低保申请",` +
		`"result":"ok","detail":{"fields":"name,idNumberMasked"},"prev":"` + zeroHash + `"}` + "\n"
	if string(ls[0]) != want {
		t.Errorf("line 1:\n got %s\nwant %s", ls[0], want)
	}
	recs := readRecords(t, dir, currentName)
	if len(recs) != 2 || recs[1].Seq != 2 || recs[1].Event != EventAgentStopped || recs[1].Origin != "" {
		t.Fatalf("records = %+v", recs)
	}
	if recs[1].Prev != hashOf(ls[0]) {
		t.Errorf("prev of seq 2 = %s, want the hash of line 1", recs[1].Prev)
	}
	if strings.Contains(string(ls[1]), `"device"`) {
		t.Errorf("empty fields are written: %s", ls[1])
	}
	rep := mustVerify(t, dir)
	if rep.Records != 2 || rep.FirstSeq != 1 || rep.LastSeq != 2 || len(rep.Notes) != 0 {
		t.Errorf("report = %+v", rep)
	}
	h, err := readHead(dir)
	if err != nil || h.Seq != 2 || h.Hash != hashOf(ls[1]) || h.File != currentName {
		t.Errorf("head = %+v, %v", h, err)
	}
}

func TestFilesAreOwnerOnly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has ACLs, not modes")
	}
	dir := filepath.Join(t.TempDir(), "audit")
	l := openLog(t, dir, Options{MaxFileBytes: 600})
	appendN(t, l, 5)
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("dir: %v %v, want 0700", fi.Mode(), err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		fi, _ := e.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v, want 0600", e.Name(), fi.Mode())
		}
	}
	if len(ents) < 4 {
		t.Errorf("want a rotated file besides audit.jsonl, head and lock; got %d entries", len(ents))
	}
}

const fullID = "370481198501011234" // valid date; the check character does not matter

func TestFullIDNumberInIDIsMasked(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	for _, id := range []string{fullID, "11010519491231002X", "110105491231002", "id 11010519491231002x of"} {
		if err := l.Append(Record{Event: EventIDCardRead, ID: id}); err != nil {
			t.Fatalf("Append(id %q): %v", id, err)
		}
	}
	recs := readRecords(t, dir, currentName)
	want := []string{"370481********1234", "110105********002X", "110105*****1002", "id 110105********002x of"}
	for i, w := range want {
		if recs[i].ID != w {
			t.Errorf("id %d = %q, want %q", i, recs[i].ID, w)
		}
	}
	assertNoFullID(t, dir)
}

func TestFullIDNumberElsewhereIsRefused(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	appendN(t, l, 1)
	before, _ := os.ReadFile(filepath.Join(dir, currentName))
	cases := map[string]Record{
		"purpose":      {Event: EventIDCardRead, Purpose: "核对 " + fullID},
		"origin":       {Event: EventIDCardRead, Origin: "https://" + fullID + ".example"},
		"client":       {Event: EventIDCardRead, Client: "110105491231002"},
		"reason":       {Event: EventIDCardRead, Reason: "x11010519491231002Xy"},
		"device":       {Event: EventIDCardRead, Device: fullID},
		"result":       {Event: EventIDCardRead, Result: fullID},
		"detail.note":  {Event: EventIDCardRead, Detail: map[string]string{"note": "号码" + fullID}},
		"a detail key": {Event: EventIDCardRead, Detail: map[string]string{"k" + fullID: "v"}},
		"event":        {Event: "idcard." + fullID},
	}
	for name, r := range cases {
		err := l.Append(r)
		if err == nil {
			t.Errorf("%s: Append succeeded", name)
			continue
		}
		if strings.Contains(err.Error(), fullID) || strings.Contains(err.Error(), "110105491231002") {
			t.Errorf("%s: the error shows the number: %v", name, err)
		}
		if !errors.Is(err, ErrFullIDNumber) {
			t.Errorf("%s: %v, want ErrFullIDNumber", name, err)
		}
		if name != "a detail key" && !strings.Contains(err.Error(), "field "+name) {
			t.Errorf("%s: error does not name the field: %v", name, err)
		}
	}
	after, _ := os.ReadFile(filepath.Join(dir, currentName))
	if !bytes.Equal(before, after) {
		t.Errorf("a refused record changed the file")
	}
	assertNoFullID(t, dir)
	// Digits that are not an ID number pass: a 16-digit run, a bad date,
	// a 19-digit run (even around a valid 18), a 13-digit time.
	for _, s := range []string{"6222021234567890", "370481198513011234", "3704811985010112345", "1764398650123"} {
		if err := l.Append(Record{Event: EventIDCardRead, Detail: map[string]string{"n": s}}); err != nil {
			t.Errorf("Append(detail %q): %v", s, err)
		}
	}
	mustVerify(t, dir)
}

// assertNoFullID fails when any file of dir holds a full ID number in a
// field a caller fills.
func assertNoFullID(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		for _, line := range bytes.Split(b, []byte("\n")) {
			w, err := parseLine(line)
			if err != nil {
				if len(line) > 0 && strings.HasSuffix(e.Name(), ".jsonl") {
					t.Errorf("%s: %v", e.Name(), err)
				}
				continue
			}
			if err := checkNoFullID(&w); err != nil {
				t.Errorf("%s: %v", e.Name(), err)
			}
		}
		if bytes.Contains(b, []byte(fullID)) {
			t.Errorf("%s holds %s", e.Name(), fullID)
		}
	}
}

func TestAppendRefusesBadRecords(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{})
	big := map[string]string{}
	for i := range MaxDetail + 1 {
		big[string(rune('a'+i))] = "v"
	}
	for name, r := range map[string]Record{
		"no event":       {},
		"bad event":      {Event: "Card Read"},
		"reserved event": {Event: EventRotated},
		"bad key":        {Event: "x", Detail: map[string]string{"a b": "v"}},
		"many details":   {Event: "x", Detail: big},
		"too long":       {Event: "x", Purpose: strings.Repeat("长", MaxRecordBytes/3)},
	} {
		if err := l.Append(r); err == nil {
			t.Errorf("%s: Append succeeded", name)
		}
	}
}

func TestChainOverThreeRotations(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxFileBytes: 2000})
	appendN(t, l, 24)
	rep := mustVerify(t, dir)
	if len(rep.Files) < 4 {
		t.Fatalf("files = %v, want 3 rotated and audit.jsonl", rep.Files)
	}
	rot := len(rep.Files) - 1
	if rep.Records != int64(24+rot) || rep.FirstSeq != 1 || rep.LastSeq != int64(24+rot) || len(rep.Notes) != 0 {
		t.Errorf("report = %+v", rep)
	}
	for i, f := range rep.Files[1:] {
		recs := readRecords(t, dir, f)
		prevRecs := readRecords(t, dir, rep.Files[i])
		ls := lines(t, filepath.Join(dir, rep.Files[i]))
		r := recs[0]
		if r.Event != EventRotated || r.Detail["prevFile"] != rep.Files[i] || r.Seq != prevRecs[len(prevRecs)-1].Seq+1 ||
			r.Prev != hashOf(ls[len(ls)-2]) {
			t.Errorf("%s begins with %+v", f, r)
		}
		if fi, _ := os.Stat(filepath.Join(dir, rep.Files[i])); fi.Size()-int64(len(ls[len(ls)-2])) >= 2000 {
			t.Errorf("%s is %d bytes: it should have been rotated before its last record", rep.Files[i], fi.Size())
		}
	}
	if !rotatedRE.MatchString(rep.Files[0]) || !strings.HasSuffix(rep.Files[0], "-1.jsonl") {
		t.Errorf("first file %s", rep.Files[0])
	}
	// A second Log, as another process would, continues the same chain.
	l2 := openLog(t, dir, Options{MaxFileBytes: 2000})
	appendN(t, l2, 3)
	appendN(t, l, 3)
	if rep2 := mustVerify(t, dir); rep2.LastSeq != rep.LastSeq+6+int64(len(rep2.Files)-len(rep.Files)) {
		t.Errorf("after 6 more: %+v", rep2)
	}
}

func TestRetentionKeepsFilesAndSaysSo(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxFileBytes: 1200, KeepFiles: 2})
	appendN(t, l, 40)
	rot, _ := listRotated(dir)
	if len(rot) != 2 {
		t.Fatalf("rotated files %v, want 2", rot)
	}
	rep := mustVerify(t, dir)
	if rep.FirstSeq <= 1 || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "were removed by retention") {
		t.Fatalf("report = %+v", rep)
	}
	// Deleting the oldest file left is not retention: Verify says so.
	os.Remove(filepath.Join(dir, rot[0].name))
	be := brokenAt(t, dir)
	if be.File != rot[1].name || be.Line != 1 || !strings.Contains(be.Problem, "no audit.rotated record says retention removed it") {
		t.Errorf("after deleting %s: %v", rot[0].name, be)
	}
}

func TestOldestFileDeletedWithoutRetention(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxFileBytes: 1200})
	appendN(t, l, 20)
	rot, _ := listRotated(dir)
	os.Remove(filepath.Join(dir, rot[0].name))
	be := brokenAt(t, dir)
	if be.File != rot[1].name || be.Line != 1 || be.Seq != rot[1].firstSeq {
		t.Errorf("got %v", be)
	}
}

func TestHeadLagIsANote(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	appendN(t, l, 3)
	ls := lines(t, filepath.Join(dir, currentName))
	// As if the writer had died between the record and the head.
	if err := writeHead(dir, head{Seq: 2, Hash: hashOf(ls[1]), File: currentName}); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, dir)
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "audit.head lags") {
		t.Errorf("notes = %q", rep.Notes)
	}
	// A lagging head with the wrong hash is the head's problem.
	writeHead(dir, head{Seq: 2, Hash: hashOf(ls[0]), File: currentName})
	if be := brokenAt(t, dir); be.File != headName {
		t.Errorf("got %v", be)
	}
	// The next Open rewrites a lagging head without a repair record.
	writeHead(dir, head{Seq: 2, Hash: hashOf(ls[1]), File: currentName})
	openLog(t, dir, Options{})
	if rep := mustVerify(t, dir); len(rep.Notes) != 0 || rep.LastSeq != 3 {
		t.Errorf("after Open: %+v", rep)
	}
}

func TestTruncatedTailIsRecordedByTheNextWriter(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	appendN(t, l, 5)
	path := filepath.Join(dir, currentName)
	ls := lines(t, path)
	writeLines(t, path, ls[:3])
	be := brokenAt(t, dir)
	if be.File != currentName || be.Line != 3 || be.Seq != 3 || !strings.Contains(be.Problem, "says it ends at seq 5") {
		t.Fatalf("got %v", be)
	}
	// The next append (this Log sees the file changed) records the loss
	// and goes on; Verify then passes and tells.
	appendN(t, l, 1)
	recs := readRecords(t, dir, currentName)
	if len(recs) != 5 || recs[3].Event != EventRepaired || recs[3].Seq != 4 || recs[3].Detail["headSeq"] != "5" {
		t.Fatalf("records = %+v", recs)
	}
	rep := mustVerify(t, dir)
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "records were lost from the end") {
		t.Errorf("notes = %q", rep.Notes)
	}
}

func TestMissingHeadIsReportedAndRepaired(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	appendN(t, l, 2)
	os.Remove(filepath.Join(dir, headName))
	if be := brokenAt(t, dir); be.File != headName || be.Line != 0 {
		t.Errorf("got %v", be)
	}
	appendN(t, l, 1) // the file did not change: this Log does not look again
	appendN(t, openLog(t, dir, Options{}), 1)
	rep := mustVerify(t, dir)
	if len(rep.Notes) != 0 {
		t.Errorf("notes %q", rep.Notes)
	}
	// Opening a new Log looks at the head: a missing head is recorded.
	os.Remove(filepath.Join(dir, headName))
	openLog(t, dir, Options{})
	rep = mustVerify(t, dir)
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "audit.head was missing") {
		t.Errorf("notes %q", rep.Notes)
	}
}

func TestRotationCutShortIsCompleted(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxFileBytes: 1 << 20})
	appendN(t, l, 3)
	l.Close()
	// As if a writer died right after renaming audit.jsonl.
	name := rotatedName(time.Now(), 1)
	if err := os.Rename(filepath.Join(dir, currentName), filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, dir); rep.LastSeq != 3 {
		t.Fatalf("report %+v", rep)
	}
	l = openLog(t, dir, Options{})
	appendN(t, l, 1)
	recs := readRecords(t, dir, currentName)
	if len(recs) != 2 || recs[0].Event != EventRotated || recs[0].Detail["prevFile"] != name || recs[0].Seq != 4 {
		t.Fatalf("records %+v", recs)
	}
	mustVerify(t, dir)
}

func TestConcurrentAppendsInOneProcess(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxFileBytes: 4000})
	l2 := openLog(t, dir, Options{MaxFileBytes: 4000}) // its own lock file handle
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			lg := l
			if g%2 == 1 {
				lg = l2
			}
			for i := range 25 {
				if err := lg.Append(sample(g*100 + i)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, r := range allRecords(t, dir) {
		if r.Event == EventIDCardRead {
			seen[r.Detail["n"]] = true
		}
	}
	if len(seen) != 200 {
		t.Errorf("%d distinct records, want 200", len(seen))
	}
}

func TestAppendContextGivesUpWhileLocked(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	other, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := lockFile(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := l.AppendContext(ctx, sample(0)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("AppendContext while locked: %v", err)
	}
}

func TestAppendAfterClose(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{})
	l.Close()
	if err := l.Append(sample(0)); !errors.Is(err, ErrClosed) {
		t.Errorf("got %v", err)
	}
}

func TestBrokenErrorFormat(t *testing.T) {
	for _, c := range []struct {
		e    BrokenError
		want string
	}{
		{BrokenError{"audit-20261129T064410Z-1.jsonl", 17, 17, "prev hash does not match the record before it"},
			"audit-20261129T064410Z-1.jsonl:17 (seq 17): prev hash does not match the record before it"},
		{BrokenError{"audit.jsonl", 3, 0, "not a valid record"}, "audit.jsonl:3: not a valid record"},
		{BrokenError{"audit.head", 0, 0, "missing"}, "audit.head: missing"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestEditedLastLineStopsTheWriterUntilMovedAway(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxFileBytes: 1000})
	appendN(t, l, 8)
	l.Close()
	path := filepath.Join(dir, currentName)
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("edited by hand\n")
	f.Close()
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "see Verify") {
		t.Fatalf("Open after an edit: %v", err)
	}
	if be := brokenAt(t, dir); be.File != currentName {
		t.Fatalf("got %v", be)
	}
	if err := os.Rename(path, filepath.Join(dir, "damaged.jsonl")); err != nil {
		t.Fatal(err)
	}
	appendN(t, openLog(t, dir, Options{}), 1)
	rep := mustVerify(t, dir)
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "records were lost from the end") {
		t.Errorf("report %+v", rep)
	}
}
