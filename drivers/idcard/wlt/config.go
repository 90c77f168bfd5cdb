package wlt

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The calling conventions (Config.ABI) this package can call. Every one
// returns a C int; all of them return 1 on success. The vendor sources the
// signatures come from are quoted in the protocol notes
// (shared/specs/idcard-protocol.md §6) and in the comments below; "assumed"
// marks what no source states.
const (
	// ABIUnpack is Huashi's in-memory decoder, libwlt2019.so (arm64) and
	// libwlt-x86-64.so:
	//
	//	int unpack(char *src, char *dst, int bmpSave);
	//
	// src is the 1024-byte WLT; dst receives RawSize bytes of pixels.
	// bmpSave is a per-vendor licence code, Config.Flag: the header seen
	// lists 602 (decode in memory) / 603 (also write a .bmp file) for the
	// arm64 build and 158 / 159 for x86-64; pass the in-memory code. The
	// library returns 1 on success and 0 for a wrong code. Its header says
	// the output "is BGR and B and R must be swapped", so the default
	// layout is ChannelsRGB (first byte of a pixel is red); rows are
	// assumed bottom-up (RowsBottomUp) like the BMP the vendor builds
	// from them. Override with Config.Channels and Config.Rows.
	ABIUnpack = "unpack"

	// ABIBuffer is a buffer decoder that is told the picture size:
	//
	//	int fn(const uint8_t *wlt, uint8_t *out, int width, int height);
	//
	// width and height are passed as 102 and 126; out receives RawSize
	// bytes. This is the C shape assumed for ZKTeco-style libwlt2bmp.so
	// decoders: ZKTeco's Java wrapper (WLTService.wlt2Bmp(in, out), with
	// imgWidth 102, imgHeight 126 and a 38556-byte buffer) is a JNI method,
	// and the C export behind it is not published, so Config.Symbol is
	// required and the real library's exports (nm -D) should be checked.
	// Success is 1, the only value the Java callers test for. Default
	// layout is ChannelsRGB, RowsBottomUp: ZKTeco's IDPhotoHelper.Bgr2Bitmap
	// reads the buffer backwards, putting the first byte of each pixel in
	// the red channel and the last pixel in the top-right corner.
	ABIBuffer = "buffer"

	// ABIWltToBmp is an in-memory decoder that writes a whole BMP file:
	//
	//	int WltToBmp(char *wlt, char *bmp);   // libtermbhf (armhf)
	//
	// Success is 1. The output is parsed as a BMP (BMPSize bytes for the
	// standard picture). The vendor note says the library overruns a
	// buffer of exactly 38862 bytes, so this package always passes a much
	// larger buffer.
	ABIWltToBmp = "wlttobmp"

	// ABIGetBmp is the file-based decoder of Windows' WltRS.dll (also
	// seen on Linux as libwltu.so):
	//
	//	int PASCAL GetBmp(char *wltFile, int intf);
	//
	// The library reads the file (whose name must end in ".wlt") and
	// writes a BMP with the same name and the extension ".bmp". intf is
	// Config.Flag: 1 for a serial reader, 2 for a USB one (WltRS.dll asks
	// the reader's sdtapi.dll whether it may decode). This package writes
	// the WLT into a private temporary directory, reads the BMP back and
	// removes the directory. Success is 1; the failure codes below are
	// from vendor manuals and were not checked against a second source.
	ABIGetBmp = "getbmp"
)

// Pixel layouts of raw decoder output (Config.Channels and Config.Rows).
// They do not apply to BMP output, whose header says how it is stored.
const (
	// ChannelsBGR means each 3-byte pixel is stored blue, green, red, as
	// in a BMP file.
	ChannelsBGR = "bgr"
	// ChannelsRGB means each 3-byte pixel is stored red, green, blue.
	ChannelsRGB = "rgb"
	// RowsBottomUp means the first row in memory is the bottom row of the
	// picture, as in a BMP file.
	RowsBottomUp = "bottom-up"
	// RowsTopDown means the first row in memory is the top row.
	RowsTopDown = "top-down"
)

// DefaultTimeout is the time a decode may take when Config.Timeout is zero.
// Vendor decoders take a few tens of milliseconds; the rest is head-room
// for starting a decoder process on a slow kiosk PC.
const DefaultTimeout = 5 * time.Second

// Config says which vendor library decodes photos and how to call it.
type Config struct {
	// Library is the path of the vendor shared library (.so or .dll). An
	// absolute path is strongly recommended.
	Library string
	// Symbol is the exported entry point. When empty, the ABI's usual name
	// is used: "unpack", "WltToBmp" or "GetBmp"; ABIBuffer has none and
	// needs it set.
	Symbol string
	// ABI is the calling convention of Symbol: ABIUnpack, ABIBuffer,
	// ABIWltToBmp or ABIGetBmp.
	ABI string
	// Timeout bounds one decode. Zero means DefaultTimeout; a negative
	// value means no timeout of its own (the context still applies).
	Timeout time.Duration
	// Flag is the integer argument some ABIs take: the vendor code of
	// ABIUnpack (e.g. 602 or 158) and the intf argument of ABIGetBmp
	// (1 serial, 2 USB; zero means 1). Other ABIs ignore it.
	Flag int
	// Channels overrides the ABI's default byte order of raw pixels:
	// ChannelsBGR or ChannelsRGB.
	Channels string
	// Rows overrides the ABI's default row order of raw pixels:
	// RowsBottomUp or RowsTopDown.
	Rows string
	// TempDir is where ABIGetBmp creates its private directory; empty
	// means os.TempDir(). On Windows the path handed to the DLL must be
	// representable in the ANSI code page; see the package documentation.
	TempDir string
}

// abiSpec describes one ABI.
type abiSpec struct {
	symbol   string // default symbol, "" if none
	output   outputKind
	channels string // default for raw output
	rows     string
	codes    map[int]string // known return codes
}

type outputKind int

const (
	outputRaw outputKind = iota
	outputBMPBuffer
	outputBMPFile
)

// successCode is the value every supported ABI returns on success.
const successCode = 1

var abis = map[string]abiSpec{
	ABIUnpack: {
		symbol: "unpack", output: outputRaw, channels: ChannelsRGB, rows: RowsBottomUp,
		codes: map[int]string{0: "wrong vendor code (bmpSave argument)"},
	},
	ABIBuffer: {
		output: outputRaw, channels: ChannelsRGB, rows: RowsBottomUp,
	},
	ABIWltToBmp: {
		symbol: "WltToBmp", output: outputBMPBuffer,
		codes: map[int]string{0: "decoding failed"},
	},
	ABIGetBmp: {
		symbol: "GetBmp", output: outputBMPFile,
		codes: map[int]string{
			0:  "error calling sdtapi.dll",
			-1: "photo decoding error",
			-2: "WLT file name does not end in .wlt",
			-3: "cannot open the WLT file",
			-4: "WLT file format error",
			-5: "software not licensed",
			-6: "reader connection error",
		},
	},
}

// ABIs returns the names of the supported ABIs, sorted.
func ABIs() []string {
	return []string{ABIBuffer, ABIGetBmp, ABIUnpack, ABIWltToBmp}
}

// Validate reports whether c names a library and a known ABI, and whether
// its optional fields have known values. The error matches ErrConfig.
func (c Config) Validate() error {
	var errs []error
	if c.Library == "" {
		errs = append(errs, errors.New("Library is empty"))
	}
	if strings.IndexByte(c.Library, 0) >= 0 || strings.IndexByte(c.Symbol, 0) >= 0 {
		errs = append(errs, errors.New("Library or Symbol contains a NUL byte"))
	}
	spec, ok := abis[c.ABI]
	switch {
	case !ok:
		errs = append(errs, fmt.Errorf("unknown ABI %q (want one of %s)", c.ABI, strings.Join(ABIs(), ", ")))
	case spec.symbol == "" && c.Symbol == "":
		errs = append(errs, fmt.Errorf("ABI %q has no usual symbol name; set Symbol", c.ABI))
	}
	if c.Channels != "" && c.Channels != ChannelsBGR && c.Channels != ChannelsRGB {
		errs = append(errs, fmt.Errorf("unknown Channels %q (want %q or %q)", c.Channels, ChannelsBGR, ChannelsRGB))
	}
	if c.Rows != "" && c.Rows != RowsBottomUp && c.Rows != RowsTopDown {
		errs = append(errs, fmt.Errorf("unknown Rows %q (want %q or %q)", c.Rows, RowsBottomUp, RowsTopDown))
	}
	if c.Flag < -1<<31 || c.Flag > 1<<31-1 {
		errs = append(errs, fmt.Errorf("Flag %d does not fit a C int", c.Flag))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrConfig, errors.Join(errs...))
}

// resolved returns c with the ABI's defaults filled in. c must be valid.
func (c Config) resolved() Config {
	spec := abis[c.ABI]
	if c.Symbol == "" {
		c.Symbol = spec.symbol
	}
	if c.Channels == "" {
		c.Channels = spec.channels
	}
	if c.Rows == "" {
		c.Rows = spec.rows
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.ABI == ABIGetBmp && c.Flag == 0 {
		c.Flag = 1
	}
	return c
}

// Args returns c as command-line flags that ParseArgs turns back into c.
// They are what NewIsolated passes to the child process.
func (c Config) Args() []string {
	args := []string{"--library", c.Library, "--abi", c.ABI}
	add := func(name, v string) {
		if v != "" {
			args = append(args, "--"+name, v)
		}
	}
	add("symbol", c.Symbol)
	if c.Timeout != 0 {
		add("timeout", c.Timeout.String())
	}
	if c.Flag != 0 {
		add("flag", strconv.Itoa(c.Flag))
	}
	add("channels", c.Channels)
	add("rows", c.Rows)
	add("tempdir", c.TempDir)
	return args
}

// ParseArgs parses flags written by Config.Args (the arguments of the
// child subcommand, without the subcommand itself) and validates the
// result. Unknown flags and positional arguments are errors.
func ParseArgs(args []string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet(ChildSubcommand, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.Library, "library", "", "vendor library path")
	fs.StringVar(&c.Symbol, "symbol", "", "entry point")
	fs.StringVar(&c.ABI, "abi", "", "calling convention")
	fs.DurationVar(&c.Timeout, "timeout", 0, "decode timeout")
	fs.IntVar(&c.Flag, "flag", 0, "vendor code / intf argument")
	fs.StringVar(&c.Channels, "channels", "", "raw channel order")
	fs.StringVar(&c.Rows, "rows", "", "raw row order")
	fs.StringVar(&c.TempDir, "tempdir", "", "temporary directory")
	if err := fs.Parse(args); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("%w: unexpected argument %q", ErrConfig, fs.Arg(0))
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}
