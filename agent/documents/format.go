package documents

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaskID masks an ID number as the kiosk shows it everywhere: the first
// 6 characters (the county) and the last 4 stay, each character between
// becomes "*" (370481********1371). Shorter strings keep less: 5 to 9
// characters keep their last 2, shorter ones nothing.
func MaskID(id string) string {
	rs := []rune(strings.TrimSpace(id))
	n := len(rs)
	keepHead, keepTail := 0, 0
	switch {
	case n >= 15:
		keepHead, keepTail = 6, 4
	case n >= 10:
		keepHead, keepTail = 3, 2
	case n >= 5:
		keepTail = 2
	}
	var b strings.Builder
	for i, r := range rs {
		if i < keepHead || i >= n-keepTail {
			b.WriteRune(r)
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// MaskName masks a name as the kiosk's screens do (王*兰, 王*, 欧阳**): the
// first character and, for names of three or more, the last stay.
func MaskName(name string) string {
	rs := []rune(strings.TrimSpace(name))
	switch n := len(rs); {
	case n == 0:
		return ""
	case n == 1:
		return string(rs)
	case n == 2:
		return string(rs[0]) + "*"
	default:
		return string(rs[0]) + strings.Repeat("*", n-2) + string(rs[n-1])
	}
}

// MaskPhone keeps a phone number's first 3 and last 4 digits
// (138****5678); office numbers are printed whole, never masked.
func MaskPhone(p string) string {
	rs := []rune(strings.TrimSpace(p))
	if len(rs) < 8 {
		return MaskID(p)
	}
	return string(rs[:3]) + strings.Repeat("*", len(rs)-7) + string(rs[len(rs)-4:])
}

// dateCN writes a date out in full: 2024年7月15日.
func dateCN(t time.Time) string {
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// timeCN is a date with the time of day: 2024年6月1日 10:23.
func timeCN(t time.Time) string { return dateCN(t) + " " + t.Format("15:04") }

// dateString writes a "YYYY-MM-DD" (or RFC 3339) date out in full; what
// does not parse is printed as it is, never dropped.
func dateString(s string) string {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return dateCN(t)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return dateCN(t)
	}
	return s
}

// timeString is dateString for times (RFC 3339), with the time of day.
func timeString(s string) string {
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
		return timeCN(t)
	}
	return dateString(s)
}

// group4 spaces a number in groups of 4 (the screens do the same), so it
// can be read out and copied.
func group4(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// shortHash is a hash's first 12 hex digits in groups of 4: enough to
// compare by eye or read out over the phone.
func shortHash(h string) string {
	if len(h) > 12 {
		h = h[:12]
	}
	return group4(h)
}

// Item is how a document names an assistance item: its full name, the
// short name people use, and the plain explanation (flow-screens §2).
type Item struct {
	Name  string // 最低生活保障
	Short string // 低保
	Plain string // 家里收入太低，每月发生活费
}

var items = map[string]Item{
	"dibao":    {"最低生活保障", "低保", "家里收入太低，每月发生活费"},
	"tekun":    {"特困人员救助供养", "特困供养", "老人、孩子或重残，没人能照顾，由政府养着"},
	"bianyuan": {"低保边缘家庭救助", "低保边缘", "收入比低保标准高一点，也能得到一些帮助"},
	"gangxing": {"刚性支出困难家庭救助", "大额支出困难", "看病、上学花钱太多，家里撑不住"},
	"linshi":   {"临时救助", "临时救助", "突然遇到急事、难事，给一次性帮助"},
	"yiliao":   {"医疗救助", "医疗救助", "看病自己花的钱，帮您再报一部分"},
	"jiaoyu":   {"教育救助", "教育救助", "孩子上学有困难，帮助学费生活费"},
	"zhufang":  {"住房救助", "住房救助", "没房住或房子危险，帮租房修房"},
	"jiuye":    {"就业救助", "就业救助", "能干活但没工作，帮您找工作"},
	"kangfu":   {"残疾儿童康复救助", "残疾儿童康复", "孩子有残疾，帮助做康复训练"},
}

// ItemOf names an item code (platform.ItemDibao …). An unknown code is
// named by the code itself, so that nothing applied for goes unprinted.
func ItemOf(code string) Item {
	if it, ok := items[code]; ok {
		return it
	}
	return Item{Name: code, Short: code}
}

// itemLine is "最低生活保障（低保）：家里收入太低，每月发生活费".
func itemLine(code string) string {
	it := ItemOf(code)
	s := it.Name
	if it.Short != it.Name {
		s += "（" + it.Short + "）"
	}
	if it.Plain != "" {
		s += "：" + it.Plain
	}
	return s
}

// itemShorts is "低保、医疗救助".
func itemShorts(codes []string) string {
	var out []string
	for _, c := range codes {
		out = append(out, ItemOf(c).Short)
	}
	if len(out) == 0 {
		return "（未选）"
	}
	return strings.Join(out, "、")
}

// AuthorizationNumber makes an authorisation number that is unique
// without a counter: the county code, the date and the first 8 hex
// digits of the SHA-256 of ref (the application's idempotency key, unique
// per application), e.g. "SQ370481-20240601-3F2A9C1E".
func AuthorizationNumber(county string, day time.Time, ref string) string {
	sum := sha256.Sum256([]byte(ref))
	c := []rune(strings.TrimSpace(county))
	if len(c) > 6 {
		c = c[:6]
	}
	return "SQ" + string(c) + "-" + day.Format("20060102") + "-" + strings.ToUpper(hex.EncodeToString(sum[:4]))
}

// orDash prints "—" for an empty value, so a blank is visibly blank.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// validUTF8 replaces invalid bytes so that they show as U+FFFD boxes
// (cells does the same); used where a string is compared.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
