package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"mime"
	"regexp"

	"github.com/kiosk-agent/kiosk-agent/agent/platform"
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// MaxEvidence is the largest evidence body the demo takes (the contract's
// limit).
const MaxEvidence = 16 << 20

// keyPattern and digestPattern are the contract's IdempotencyKey and
// SHA256.
var (
	keyPattern    = regexp.MustCompile(`^[A-Za-z0-9._:~-]{8,128}$`)
	digestPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// checkEvidence checks an upload: the key and digest as the contract
// says, the body's SHA-256 is the digest, the media type is JSON (an
// object: a signature bundle) or PDF (it starts like one). It returns the
// bare media type.
func checkEvidence(key, digest, contentType string, body []byte) (string, error) {
	const op = platform.OpEvidence
	if !keyPattern.MatchString(key) {
		return "", platform.NewError(op, wire.CodeInvalidRequest, "the idempotency key: 8 to 128 of A-Z a-z 0-9 . _ : ~ -")
	}
	if !digestPattern.MatchString(digest) {
		return "", platform.NewError(op, wire.CodeInvalidRequest, "sha256: 64 lower-case hex digits")
	}
	if len(body) > MaxEvidence {
		return "", platform.NewError(op, wire.CodeTooLarge, "evidence is at most 16 MiB")
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != wire.MediaJSON && mt != wire.MediaPDF {
		return "", platform.NewError(op, wire.CodeUnsupportedMedia, "evidence is application/json (a signature bundle) or application/pdf")
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != digest {
		return "", platform.NewError(op, wire.CodeDigestMismatch, "the body's SHA-256 is not the sha256 in the path")
	}
	switch mt {
	case wire.MediaJSON:
		var obj map[string]json.RawMessage
		if !json.Valid(body) || json.Unmarshal(body, &obj) != nil {
			return "", platform.NewError(op, wire.CodeInvalidRequest, "a signature bundle is one JSON object")
		}
	case wire.MediaPDF:
		if !bytes.HasPrefix(body, []byte("%PDF-")) {
			return "", platform.NewError(op, wire.CodeInvalidRequest, "a PDF starts with %PDF-")
		}
	}
	return mt, nil
}

// relateTo makes the member with ID mid the household's applicant and
// restates every relation (recorded to the first member, the 户主) as a
// relation to them. Relations the record cannot settle become 其他.
func relateTo(h *wire.Household, mid string) {
	h.ApplicantID = mid
	var viewer string
	for _, m := range h.Members {
		if m.ID == mid {
			viewer = m.Relation
		}
	}
	if viewer == "本人" {
		return
	}
	for i := range h.Members {
		if h.Members[i].ID == mid {
			h.Members[i].Relation = "本人"
			continue
		}
		h.Members[i].Relation = relation(viewer, h.Members[i].Relation)
	}
	for i := range h.Supporters {
		h.Supporters[i].Relation = relation(viewer, h.Supporters[i].Relation)
	}
}

// relation is how someone whose relation to the 户主 is other stands to
// someone whose relation to the 户主 is viewer.
func relation(viewer, other string) string {
	if other == "本人" { // the 户主 seen from the viewer
		switch viewer {
		case "配偶":
			return "配偶"
		case "子女":
			return "父母"
		case "父母":
			return "子女"
		case "孙子女":
			return "祖父母"
		case "祖父母":
			return "孙子女"
		case "兄弟姐妹":
			return "兄弟姐妹"
		}
		return "其他"
	}
	switch viewer {
	case "配偶":
		switch other {
		case "子女", "孙子女", "儿媳", "女婿":
			return other
		}
	case "子女":
		switch other {
		case "配偶":
			return "父母"
		case "子女":
			return "兄弟姐妹"
		case "父母":
			return "祖父母"
		}
	case "父母":
		switch other {
		case "子女":
			return "孙子女"
		case "父母": // the 户主's other parent
			return "配偶"
		}
	}
	return "其他"
}
