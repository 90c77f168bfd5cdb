package escpossim

import (
	"errors"
	"fmt"
)

// code128Widths are the bar and space widths, in modules, of the Code 128
// symbol characters 0 to 106 (106 is the stop pattern with its final bar):
// bar, space, bar, space, bar, space.
var code128Widths = [107]string{
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
	"221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
	"221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
	"212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
	"231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
	"314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
	"112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
	"214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
	"114131", "311141", "411131", "211412", "211214", "211232", "2331112",
}

// Code 128 symbol characters with a fixed meaning.
const (
	c128Shift  = 98
	c128CodeC  = 99
	c128FNC1   = 102
	c128StartA = 103
	c128Stop   = 106
)

// code128 decodes the data of GS k 73 — a code set selector first ({A, {B
// or {C), {{ for a literal brace, {S shift, {1…{4 FNC1–4 — into the
// human-readable text and the symbol's character values, with the check
// character and the stop.
func code128(data []byte) (text string, codes []int, err error) {
	if len(data) < 2 || data[0] != '{' || data[1] < 'A' || data[1] > 'C' {
		return "", nil, errors.New("the data does not start with a code set selector ({A, {B or {C)")
	}
	set := int(data[1] - 'A') // 0 A, 1 B, 2 C
	codes = []int{c128StartA + set}
	var out []byte
	shift := false
	for i := 2; i < len(data); i++ {
		b := data[i]
		if b == '{' {
			if i+1 >= len(data) {
				return "", nil, errors.New("a '{' ends the data")
			}
			i++
			switch s := data[i]; s {
			case 'A', 'B', 'C':
				to := int(s - 'A')
				if to == set || shift {
					return "", nil, fmt.Errorf("{%c where it changes nothing", s)
				}
				codes = append(codes, switchCode(to))
				set = to
				continue
			case 'S':
				if set == 2 || shift {
					return "", nil, errors.New("{S in code set C or after a shift")
				}
				codes = append(codes, c128Shift)
				shift = true
				continue
			case '1':
				codes = append(codes, c128FNC1)
				continue
			case '2', '3', '4':
				if set == 2 {
					return "", nil, fmt.Errorf("FNC%c in code set C", s)
				}
				codes = append(codes, map[byte]int{'2': 97, '3': 96, '4': 101 - set}[s])
				continue
			case '{':
			default:
				return "", nil, fmt.Errorf("{%c is not a Code 128 special", s)
			}
		}
		cur := set
		if shift {
			cur, shift = 1-set, false
		}
		switch cur {
		case 0:
			if b > 0x5F {
				return "", nil, fmt.Errorf("%#02x is not in code set A", b)
			}
			if b < 0x20 {
				codes = append(codes, int(b)+64)
			} else {
				codes = append(codes, int(b)-32)
			}
			out = append(out, b)
		case 1:
			if b < 0x20 || b > 0x7F {
				return "", nil, fmt.Errorf("%#02x is not in code set B", b)
			}
			codes = append(codes, int(b)-32)
			out = append(out, b)
		default:
			if b > 99 {
				return "", nil, fmt.Errorf("%d is not a code set C digit pair", b)
			}
			codes = append(codes, int(b))
			out = append(out, '0'+b/10, '0'+b%10)
		}
	}
	if shift {
		return "", nil, errors.New("{S ends the data")
	}
	sum := codes[0]
	for i, c := range codes[1:] {
		sum += (i + 1) * c
	}
	codes = append(codes, sum%103, c128Stop)
	return string(out), codes, nil
}

// switchCode is the symbol character that changes to code set to.
func switchCode(to int) int {
	switch {
	case to == 2:
		return c128CodeC
	case to == 1:
		return 100 // Code B, from A or C
	}
	return 101 // Code A, from B or C
}

// code128Modules expands symbol characters into modules, true for bar.
func code128Modules(codes []int) []bool {
	var m []bool
	for _, c := range codes {
		if c < 0 || c >= len(code128Widths) {
			continue
		}
		for k, w := range code128Widths[c] {
			for range int(w - '0') {
				m = append(m, k%2 == 0)
			}
		}
	}
	return m
}

// Modules returns the barcode's modules from left to right, true for a
// bar; each module is Module dots wide.
func (b *Barcode) Modules() []bool { return code128Modules(b.Codes) }
