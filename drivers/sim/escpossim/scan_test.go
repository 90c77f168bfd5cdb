package escpossim

import (
	"image"
	"image/draw"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
)

// The tests read rendered symbols back with gozxing, a Go port of ZXing:
// a scanner's view of the printed paper, written by neither side.

// withMargin copies the part r of img onto white paper with a margin
// around it (the quiet zone a scanner needs; the printable area of a
// real roll has paper beyond it).
func withMargin(img image.Image, r image.Rectangle, margin int) *image.Gray {
	r = r.Intersect(img.Bounds())
	out := image.NewGray(image.Rect(0, 0, r.Dx()+2*margin, r.Dy()+2*margin))
	for i := range out.Pix {
		out.Pix[i] = 0xFF
	}
	draw.Draw(out, r.Sub(r.Min).Add(image.Pt(margin, margin)), img, r.Min, draw.Src)
	return out
}

// scanQR decodes the QR code symbol in img.
func scanQR(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// scanCode128 decodes the Code 128 symbol in img.
func scanCode128(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := oned.NewCode128Reader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}
