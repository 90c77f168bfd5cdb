package textblock

import "strings"

// sexNames maps GB/T 2261.1 sex codes to display names (spec §5.7).
var sexNames = map[string]string{
	"0": "未知",
	"1": "男",
	"2": "女",
	"9": "未说明",
}

// nationNames maps GB 3304 nation codes to display names without 族
// (spec §5.7). Index i holds code i+1 for codes 01–56.
var nationNames = [...]string{
	"汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜",
	"满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳",
	"佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
	"达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
	"塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
	"独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
}

// Codes outside 01–56 with their display names.
const (
	nationOtherCode   = "97"
	nationOther       = "其他"
	nationForeignCode = "98"
	nationForeign     = "外国血统中国籍人士"
)

// sexName returns the display name of a sex code, or the code itself if it
// is not in the table.
func sexName(code string) string {
	if n, ok := sexNames[code]; ok {
		return n
	}
	return code
}

// sexCodeOf returns the code of a sex display name.
func sexCodeOf(name string) (string, bool) {
	for c, n := range sexNames {
		if n == name {
			return c, true
		}
	}
	return "", false
}

// nationName returns the display name of a two-digit nation code, or the
// code itself if it is not in the table.
func nationName(code string) string {
	switch code {
	case nationOtherCode:
		return nationOther
	case nationForeignCode:
		return nationForeign
	}
	if n, ok := digits(code); ok && len(code) == 2 && n >= 1 && n <= len(nationNames) {
		return nationNames[n-1]
	}
	return code
}

// nationCodeOf returns the two-digit code of a nation display name, given
// with or without the suffix 族.
func nationCodeOf(name string) (string, bool) {
	switch name {
	case nationOther:
		return nationOtherCode, true
	case nationForeign:
		return nationForeignCode, true
	}
	trimmed := strings.TrimSuffix(name, "族")
	for i, n := range nationNames {
		if n == name || n == trimmed {
			return string([]byte{byte('0' + (i+1)/10), byte('0' + (i+1)%10)}), true
		}
	}
	return "", false
}
