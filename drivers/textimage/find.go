package textimage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// SystemFonts are the font files Find tries, in order, when no path is
// configured: the CJK fonts that Debian/Ubuntu/Kylin/UOS, Fedora and
// Windows ship, the ones with the widest coverage (Extension A and B, for
// rare name characters) last as a fallback.
func SystemFonts() []string {
	if runtime.GOOS == "windows" {
		dir := filepath.Join(os.Getenv("WINDIR"), "Fonts")
		if os.Getenv("WINDIR") == "" {
			dir = `C:\Windows\Fonts`
		}
		return []string{filepath.Join(dir, "msyh.ttc"), filepath.Join(dir, "simsun.ttc"), filepath.Join(dir, "simhei.ttf"),
			filepath.Join(dir, "simsunb.ttf"),                                      // SimSun-ExtB: Extension B
			filepath.Join(dir, "seguiemj.ttf"), filepath.Join(dir, "seguisym.ttf")} // emoji and symbols
	}
	return []string{
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
		"/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
		"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
		"/usr/share/fonts/fonts-cesi/CESI_HT_GB18030.TTF",
		"/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf",
		"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", // symbols and emoji the CJK fonts lack
	}
}

// Find opens the fonts at paths (a configured font first), then the
// system's (SystemFonts), and returns those that open as a chain. It fails
// with ErrNoFont, naming what it tried, when none does. A configured path
// that does not open is an error of its own.
func Find(paths ...string) (Chain, error) {
	var chain Chain
	for _, p := range paths {
		if p == "" {
			continue
		}
		f, err := Open(p, "SC")
		if err != nil {
			chain.Close()
			return nil, err
		}
		chain = append(chain, f)
	}
	var tried []string
	for _, p := range SystemFonts() {
		if _, err := os.Stat(p); err != nil {
			tried = append(tried, p)
			continue
		}
		f, err := Open(p, "SC")
		if err != nil {
			tried = append(tried, p+" ("+err.Error()+")")
			continue
		}
		chain = append(chain, f)
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("%w: tried %s", ErrNoFont, strings.Join(tried, ", "))
	}
	if !chain.Has('中') {
		chain.Close()
		return nil, errors.Join(ErrNoFont, errors.New("textimage: the fonts found have no Chinese characters"))
	}
	return chain, nil
}
