package precheck

import "testing"

func TestPair(t *testing.T) {
	cases := []struct {
		a          rat
		b, unit    int64
		aText, bTx string
	}{
		{rat{61200, 1}, 78000, 100, "612", "780"},
		{rat{183600, 3}, 78000, 100, "612", "780"},
		{rat{61150, 1}, 78000, 100, "612", "780"},                       // half up
		{rat{155920, 2}, 78000, 100, "779.60", "780.00"},                // would look equal: to the fen, down
		{rat{155999, 2}, 78000, 100, "779.99", "780.00"},                // 779.995 shown as 779.99, not 780.00
		{rat{156001, 2}, 78000, 100, "780.01", "780.00"},                // 780.005 shown as 780.01
		{rat{78000, 1}, 78000, 100, "780", "780"},                       // equal is equal
		{rat{78100, 1}, 78050, 100, "781", "780.50"},                    // the standard keeps its fen
		{rat{10400 * 10000 / 100, 10000 / 100}, 5000, 100, "104", "50"}, // 104% against 50%
	}
	for _, c := range cases {
		a, b := pair(c.a, c.b, c.unit)
		if a != c.aText || b != c.bTx {
			t.Errorf("pair(%v, %d) = %s, %s; want %s, %s", c.a, c.b, a, b, c.aText, c.bTx)
		}
	}
}

func TestMoneyText(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		want string
	}{{0, "0 元"}, {40, "0.40 元"}, {50, "1 元"}, {61249, "612 元"}, {61250, "613 元"}, {maxFen, "100000000000 元"}} {
		if got := yuan(c.fen); got != c.want {
			t.Errorf("yuan(%d) = %q, want %q", c.fen, got, c.want)
		}
	}
	if got := mulRound(78033, 15000, 10000); got != 117050 { // 1170.495 → 1170.50
		t.Errorf("1.5 × 780.33 = %d fen, want 117050", got)
	}
	if got := mulRound(936000, 1, 12); got != 78000 {
		t.Errorf("9360 元 a year = %d fen a month, want 78000", got)
	}
	if got := percent(3333); got != "33.33%" {
		t.Errorf("percent = %s", got)
	}
	// Products far beyond int64 compare right.
	big := rat{maxFen * 100 * 12, 1}
	if big.cmpScaled(10000, maxFen*100, 10000+500) != 1 {
		t.Error("a huge income compares below a huge line")
	}
}

func TestRegionChain(t *testing.T) {
	got := regionChain("370481001002")
	want := []string{"370481001002", "370481001", "370481", "370400", "370000", "default"}
	if len(got) != len(want) {
		t.Fatalf("%v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%v, want %v", got, want)
		}
	}
	if got := regionChain("370400"); len(got) != 3 {
		t.Errorf("prefecture: %v", got)
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"王秀兰": "王*兰", "李明": "李*", "欧阳娜娜": "欧**娜", "王": "*", "": ""} {
		if got := maskName(in); got != want {
			t.Errorf("maskName(%q) = %q, want %q", in, got, want)
		}
	}
}
