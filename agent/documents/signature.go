package documents

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
)

// Signer roles.
const (
	RoleApplicant  = "applicant"  // 申请人
	RoleMember     = "member"     // 共同生活的家庭成员
	RoleGuardian   = "guardian"   // 监护人, signing for a member who cannot
	RoleCaseworker = "caseworker" // 经办人
	RoleWitness    = "witness"    // 见证人 (the grid worker in the field)
)

// Signer is someone whose signature a document carries (or awaits).
type Signer struct {
	// MemberID is the platform's person number (platform.Member.ID),
	// which ties the signer to a row of the member table.
	MemberID string
	Name     string
	// Relation to the applicant: 本人, 配偶, 子女…
	Relation string
	// IDNumber is printed masked only (MaskID).
	IDNumber string
	Role     string
	// For is, for a guardian, the name of the member signed for.
	For string
	// StaffID is a caseworker's or witness's staff number (工号).
	StaffID string
	// Absent: not there; to sign later (不在场，待补签).
	Absent bool
	// Signature is nil until the person has signed.
	Signature *Signature
}

// Signature is a captured signature, from its evidence bundle.
type Signature struct {
	// PNG is the bundle's manifest.png: the ink on a transparent
	// background.
	PNG []byte
	// BundleSHA256 is the hex SHA-256 of the evidence bundle's bytes
	// (platform.SignatureRef.BundleSHA256).
	BundleSHA256 string
	// SignedAt is the bundle's manifest.capturedAt.
	SignedAt time.Time
	// DocumentSHA256 is the bundle's manifest.document.sha256: the text
	// signed. When set, it must be the document's TextSHA256, or
	// rendering fails with a *MismatchError.
	DocumentSHA256 string
	// Device is what it was written on ("Wacom STU-540", "屏幕").
	Device string
}

// SignatureFromBundle checks an evidence bundle against the agent's key
// and takes from it what a document shows: the PNG, the time, the
// device, the signed text's SHA-256, and the SHA-256 of the bundle's
// bytes as given.
func SignatureFromBundle(bundle []byte, key *evidence.PublicKey) (*Signature, error) {
	rep, err := evidence.Verify(bundle, key)
	if err != nil {
		return nil, err
	}
	m := rep.Manifest
	sum := sha256.Sum256(bundle)
	dev := m.Device.Model
	if m.Device.Kind == evidence.DeviceScreen || dev == "" {
		dev = "屏幕"
	}
	return &Signature{PNG: m.PNG, BundleSHA256: hex.EncodeToString(sum[:]), SignedAt: m.CapturedAt,
		DocumentSHA256: m.Document.SHA256, Device: dev}, nil
}

// maxSignaturePixels bounds a signature PNG (the pad's are 600×450).
const maxSignaturePixels = 4096 * 4096

// inkImage makes the picture a document shows: the ink's bounding box
// (with a margin), laid on white — the page is white, and gopdf then
// needs no soft mask — as an 8-bit RGB PNG. It also returns the size
// in pixels.
func inkImage(pngData []byte, field string) ([]byte, int, int, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(pngData))
	if err != nil {
		return nil, 0, 0, &InputError{Field: field, Reason: "not a PNG: " + err.Error()}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxSignaturePixels {
		return nil, 0, 0, &InputError{Field: field, Reason: "picture size out of bounds"}
	}
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		return nil, 0, 0, &InputError{Field: field, Reason: "not a PNG: " + err.Error()}
	}
	b := img.Bounds()
	minX, minY, maxX, maxY := b.Max.X, b.Max.Y, b.Min.X-1, b.Min.Y-1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if isInk(img.At(x, y)) {
				minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
			}
		}
	}
	if maxX < minX {
		return nil, 0, 0, &InputError{Field: field, Reason: "the picture has no ink"}
	}
	m := max(maxX-minX, maxY-minY)/20 + 4
	crop := image.Rect(minX-m, minY-m, maxX+m+1, maxY+m+1)
	out := image.NewRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
	for y := 0; y < crop.Dy(); y++ {
		for x := 0; x < crop.Dx(); x++ {
			var c color.RGBA64
			p := image.Pt(crop.Min.X+x, crop.Min.Y+y)
			if p.In(b) {
				c = color.RGBA64Model.Convert(img.At(p.X, p.Y)).(color.RGBA64)
			}
			// Over white: premultiplied colour plus white times 1-alpha.
			a := uint32(c.A)
			w := func(v uint16) uint8 { return uint8((uint32(v) + (0xFFFF - a)) >> 8) }
			out.SetRGBA(x, y, color.RGBA{w(c.R), w(c.G), w(c.B), 0xFF})
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, opaque{out}); err != nil {
		return nil, 0, 0, &InputError{Field: field, Reason: err.Error()}
	}
	return buf.Bytes(), crop.Dx(), crop.Dy(), nil
}

// opaque hides an RGBA image's alpha from the PNG encoder, which then
// writes 8-bit RGB (no alpha channel for gopdf to split off).
type opaque struct{ *image.RGBA }

func (o opaque) Opaque() bool { return true }

// isInk: a pixel that is not (nearly) transparent and not (nearly) white.
func isInk(c color.Color) bool {
	r, g, b, a := c.RGBA()
	if a < 0x1000 {
		return false
	}
	// Premultiplied: white at alpha a is (a, a, a).
	return r+0x0C00 < a || g+0x0C00 < a || b+0x0C00 < a
}

// roleWord names a role on the page.
func roleWord(s Signer) string {
	switch s.Role {
	case RoleApplicant:
		return "申请人"
	case RoleGuardian:
		if s.For != "" {
			return "监护人（代 " + s.For + " 签）"
		}
		return "监护人"
	case RoleCaseworker:
		return "经办人"
	case RoleWitness:
		return "见证人"
	default:
		if s.Relation != "" {
			return "家庭成员（" + s.Relation + "）"
		}
		return "家庭成员"
	}
}

// signatureBlock lays out one signer's block: who, the signature (or a
// line to sign on), the time, and how to check the signature.
//
//	申请人：王秀兰   身份证号：370481********1371
//	[signature picture]            签名时间：2024年6月1日 10:23（Wacom STU-540）
//	签名证据 SHA-256：3f2a 9c1e 77b0 …  (full hash below)
//	核验：…
func (d *doc) signatureBlock(i int, s Signer, textMode bool) error {
	field := "signers[" + strconv.Itoa(i) + "]"
	var img []byte
	var iw, ih int
	if !textMode && s.Signature != nil {
		var err error
		img, iw, ih, err = inkImage(s.Signature.PNG, field+".signature.png")
		if err != nil {
			return err
		}
	}
	const picW, picH = 170.0, 62.0
	need := lineHeight(sizeBody)*2 + picH + lineHeight(sizeSmall)*4 + 12
	d.room(need)
	who := roleWord(s) + "：" + orDash(s.Name)
	if s.IDNumber != "" {
		who += "　身份证号：" + MaskID(s.IDNumber)
	}
	if s.StaffID != "" {
		who += "　工号：" + s.StaffID
	}
	d.para(who, style{size: sizeBody, after: 2})
	top := d.y
	right := marginL + picW + 16
	switch {
	case textMode || (s.Signature == nil && !s.Absent):
		// A line to sign on: the text rendering is also a paper form.
		d.add(op{kind: opLine, x: marginL, y: top + picH - 6, w: picW, gray: 0.2, lw: 0.6})
		d.y = top + picH - 22
		d.paraAt(marginL, picW, "签名：", style{size: sizeSmall, gray: 0.4})
		d.y = top + 8
		d.paraAt(right, contentW-picW-16, "日期：　　　年　　月　　日", style{size: sizeBody})
		if !textMode {
			d.y = top + 30
			d.paraAt(right, contentW-picW-16, "未签", style{size: sizeBody})
		}
		d.y = top + picH + 4
	case s.Signature == nil && s.Absent:
		d.add(op{kind: opRect, x: marginL, y: top, w: picW, h: picH, gray: 0.5, lw: 0.5})
		d.y = top + picH/2 - lineHeight(sizeBody)/2
		d.paraAt(marginL, picW, "不在场，待补签", style{size: sizeBody, center: true})
		d.y = top + picH + 4
	default:
		// Fit the picture into the box, keeping its shape.
		w, h := picW, picW*float64(ih)/float64(iw)
		if h > picH {
			h, w = picH, picH*float64(iw)/float64(ih)
		}
		d.add(op{kind: opImage, x: marginL, y: top + (picH-h)/2, w: w, h: h, img: img})
		d.add(op{kind: opLine, x: marginL, y: top + picH, w: picW, gray: 0.6, lw: 0.4})
		sig := s.Signature
		d.y = top + 4
		when := "签名时间：" + timeCN(sig.SignedAt)
		d.paraAt(right, contentW-picW-16, when, style{size: sizeBody})
		if sig.Device != "" {
			d.paraAt(right, contentW-picW-16, "签在："+sig.Device, style{size: sizeSmall, gray: 0.3})
		}
		d.paraAt(right, contentW-picW-16, "签名证据短码："+shortHash(sig.BundleSHA256), style{size: sizeBody})
		d.y = top + picH + 4
		d.paraAt(marginL, contentW, "签名证据 SHA-256（完整）："+strings.ToLower(sig.BundleSHA256), style{size: sizeSmall, gray: 0.2})
		d.paraAt(marginL, contentW, "核验方法：算出这份签名证据文件的 SHA-256，应与上面一致；再运行 kiosk-agent verify-signature 证据文件 --document 签署文本.pdf，显示 ok 即签名未被改动，且签的是本文本。", style{size: sizeSmall, gray: 0.2})
	}
	d.y += 8
	return nil
}
