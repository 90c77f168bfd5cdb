// Package ink draws the strokes of a signature — the pen reports of a
// signature pad or of an on-screen capture — as an SVG and as a PNG that
// look like pen ink, and exports them as ISO/IEC 19794-7 (2007 layout).
//
// # Input
//
// A Sample is one report, [t_ms, x, y, pressure, sw], in the pad's own
// units; a Pad gives their range (MaxX, MaxY, MaxPressure). A sample with
// sw = 0 is a hover report: the pen is up and the stroke breaks there.
// Coordinates and pressures outside the pad's range are clamped into it.
// A device that reports no pressure (MaxPressure 0, or no pen-down sample
// with a pressure above 0) gets one simulated from the pen's speed: slow
// is heavy, fast is light.
//
// # Geometry
//
// Draw computes one geometry and both renderings come from it: each stroke
// becomes one closed outline in the manner of perfect-freehand — the pen
// positions smoothed by a streamline filter run forwards and backwards
// (no lag), a width that follows the pressure between MinWidth and
// MaxWidth, a taper at both ends, round caps, and round joins where the pen
// turns sharply. The outline's vertices lie on a 1/50-pixel grid; the SVG
// writes them as one filled path per stroke of quadratic curves through
// the midpoints of the vertices, and the PNG flattens those same curves
// into lines and fills them with golang.org/x/image/vector.
//
// # Determinism
//
// The same samples, pad and options give the same bytes on every machine,
// so that a render kept in an evidence bundle can be re-created from the
// samples and compared byte for byte:
//
//   - the floating-point arithmetic rounds every product before it is
//     added (Go may otherwise fuse a*b+c into one instruction on arm64,
//     loong64, ppc64le, s390x, riscv64 and GOAMD64=v3 amd64, which rounds
//     once instead of twice), uses no function but math.Sqrt (exact
//     everywhere), and takes its angles from a table of constants;
//     TestNoFusedMultiplyAdd compiles the package for those architectures
//     and fails on a fused instruction;
//   - the rasteriser only ever draws lines (x/image/vector's curve code is
//     itself fused on those architectures) into tiles of at most 512×512
//     pixels, where x/image/vector uses its fixed-point code, whose SIMD
//     and portable versions agree bit for bit;
//   - the PNG is encoded here (indexed colour, one IDAT of a deflate stream
//     with fixed Huffman codes), not by image/png and compress/flate,
//     whose output Go does not promise to keep from one release to the
//     next.
//
// Renderer names this geometry and these encodings. Anything that changes
// a single output byte for some input needs a new name ("ink/2"); bundles
// record the name so that they can still be checked with the renderer
// that made them.
package ink

// Renderer is the name and version of the drawing Draw makes, as evidence
// bundles record it.
const Renderer = "ink/1"
