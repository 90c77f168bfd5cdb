package outbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Personal data of made-up applicants, as a payload would carry it.
var personal = []string{
	"张三丰", "李秀英", "欧阳娜娜",
	"370481199003071234", "37048119850612002X", "370481850612002",
	"山东省滕州市龙泉街道荆河社区3号楼2单元401室",
	"滕州市荆河街道北辛社区",
	"13905371234",
}

// TestNoPersonalDataAtRest queues items holding names, ID numbers,
// addresses and phone numbers — in the payload and in a delivery error —
// and looks for them in every file of the state directory (database,
// -wal, -shm), while the queue is open and after it is closed.
func TestNoPersonalDataAtRest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	q, err := Open(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, p := range personal {
		payload := fmt.Sprintf(`{"applicant":{"name":%q,"idNumber":%q,"address":%q},"n":%d}`, p, personal[3], personal[6], i)
		if _, err := q.Enqueue(ctx, KindApplication, key(i), []byte(payload)); err != nil {
			t.Fatal(err)
		}
		gb, _ := simplifiedchinese.GB18030.NewEncoder().String(payload)
		if _, err := q.Enqueue(ctx, KindVisit, key(100+i), []byte(gb)); err != nil {
			t.Fatal(err)
		}
	}
	// The platform's error text quotes the applicant: it is sealed too.
	s := &Sender{Queue: q, MinBackoff: time.Hour, Deliver: func(ctx context.Context, it Item) error {
		return fmt.Errorf("platform: 申请人 %s (%s) 住址 %s 已有在办申请", personal[0], personal[3], personal[6])
	}}
	ctx2, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx2) }()
	eventually(t, 10*time.Second, "a failed attempt", func() bool { return q.Status().Failing > 0 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	items, err := q.List(ctx, StatePending)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(items[0].LastError, personal[0]) {
		t.Fatalf("the error was not kept: %q", items[0].LastError)
	}
	check := func(when string) {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		var sawWAL bool
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sawWAL = sawWAL || strings.HasSuffix(f, "-wal") && len(b) > 0
			for _, p := range personal {
				forms := [][]byte{[]byte(p)}
				if gb, err := simplifiedchinese.GB18030.NewEncoder().String(p); err == nil {
					forms = append(forms, []byte(gb))
				}
				for _, form := range forms {
					if bytes.Contains(b, form) {
						t.Errorf("%s: %s holds %q in clear", when, filepath.Base(f), p)
					}
				}
			}
		}
		if when == "open" && !sawWAL {
			t.Error("no -wal file to look in")
		}
	}
	check("open")
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	check("closed")
}

// TestSealedFieldsAreBound: a sealed payload copied to another item's row
// does not open, and the error names the item and field.
func TestSealedFieldsAreBound(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	q := openTest(t, dir)
	ctx := context.Background()
	a, _ := q.Enqueue(ctx, KindApplication, key(1), []byte("甲的申请"))
	b, _ := q.Enqueue(ctx, KindApplication, key(2), []byte("乙的申请"))
	db := rawDB(t, dir)
	if _, err := db.Exec("UPDATE items SET payload = (SELECT payload FROM items WHERE id = ?) WHERE id = ?", a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	_, err := q.Get(ctx, key(2))
	var ce *CorruptError
	if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) || ce.ID != b.ID || ce.Field != "payload" {
		t.Fatalf("moved payload: %v", err)
	}
	if strings.Contains(err.Error(), "申请") {
		t.Fatal("the error quotes the payload")
	}
	if _, err := q.Get(ctx, key(1)); err != nil {
		t.Fatalf("the other item: %v", err)
	}
}
