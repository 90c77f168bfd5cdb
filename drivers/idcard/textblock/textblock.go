// Package textblock decodes and encodes the 256-byte text block that a
// second-generation ID card reader returns (GA/T 490 file "文字信息"), for all
// four card kinds: the resident ID card, the Hong Kong / Macau / Taiwan
// residents' residence permit ('J'), and the foreigner's permanent residence
// ID card in its 2017 ('I') and 2023 ('Y') layouts.
//
// The block is UCS-2 little-endian, fixed-width and space padded. The card
// kind is the UCS-2 code unit at byte offset 248.
//
// # Text rules
//
// Decode turns each field's code units into a string (UTF-16LE: a surrogate
// pair becomes one rune, an unpaired surrogate becomes U+FFFD, Private Use
// Area characters that some cards use for rare characters are kept as they
// are) and then removes trailing padding only. Padding is U+0020 (the padding
// the standard uses) and U+0000 (seen on some readers). U+3000 IDEOGRAPHIC
// SPACE is not padding: it is a real character and is kept. Spaces inside a
// field (addresses, English names) are never touched, and neither are leading
// spaces.
//
// Dates on the card are YYYYMMDD and are returned as YYYY-MM-DD. The literal
// 长期 (no expiry) is kept, and any other value that is not a valid date is
// returned trimmed but otherwise unchanged, so that no data is lost.
//
// Encode is the inverse. For every block b that Decode accepts,
// Decode(Encode(Decode(b))) equals Decode(b); and for Fields that Decode can
// produce, Decode(Encode(f)) equals f.
package textblock

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Size is the length in bytes of a card's text block.
const Size = 256

// typeOffset is the byte offset of the UCS-2 code unit that names the card
// kind.
const typeOffset = 248

// CardType names the kind of card a text block belongs to. The values are the
// ones used on the wire by the kiosk agent's protocol.
type CardType string

// The four card kinds.
const (
	Resident             CardType = "resident"               // 居民身份证
	HKMOTWResidence      CardType = "hk_mo_tw_residence"     // 港澳台居民居住证, type byte 'J'
	ForeignPermanent2017 CardType = "foreign_permanent_2017" // 外国人永久居留身份证 (2017), type byte 'I'
	ForeignPermanent2023 CardType = "foreign_permanent_2023" // 外国人永久居留身份证 (2023), type byte 'Y'
)

// Fields holds the decoded text of a card. A field that the card's layout
// does not have is empty. Dates are YYYY-MM-DD; ValidUntil may also be
// "长期" (no expiry). A date that is not valid on the card is kept as it is
// on the card. Text is kept exactly as on the card except that trailing
// padding is removed.
type Fields struct {
	Type        CardType
	Name        string // Chinese name (may be empty on a foreigner card)
	NameEn      string // English name (foreigner cards)
	Sex         string // "男", "女", "未知" (code 0) or "未说明" (code 9); the raw code if unknown
	SexCode     string // the raw GB/T 2261.1 code as on the card ("1", "2", ...)
	Nation      string // e.g. "汉" (resident cards; without "族"); the raw code if unknown
	NationCode  string // the raw GB 3304 two-digit code as on the card
	BirthDate   string
	Address     string
	IDNumber    string
	Issuer      string // 签发机关 (resident and 'J' cards)
	ValidFrom   string
	ValidUntil  string
	Nationality string // ISO 3166-1 alpha-3 as on the card (foreigner cards)
	PassNumber  string // 通行证号码 ('J' cards)
	IssueCount  string // 签发次数 ('J') or 换证次数 ('Y'), as on the card, e.g. "01"
	CardVersion string // 证件版本号 ('I' cards)
	IssuerCode  string // 受理机关代码 ('I' cards)
}

// ErrSize is matched (with errors.Is) by the error Decode returns for a
// block that is not Size bytes long.
var ErrSize = errors.New("textblock: block is not 256 bytes")

// SizeError reports a block of the wrong length. errors.Is(err, ErrSize)
// is true for it.
type SizeError struct {
	Len int // the length that was given
}

// Error implements error.
func (e *SizeError) Error() string {
	return fmt.Sprintf("textblock: block is %d bytes, want %d", e.Len, Size)
}

// Is reports whether target is ErrSize.
func (e *SizeError) Is(target error) bool { return target == ErrSize }

// Reasons that Encode gives in a FieldError, matched with errors.Is.
var (
	// ErrUnknownType means Fields.Type is not one of the four card kinds.
	ErrUnknownType = errors.New("unknown card type")
	// ErrTooLong means a value does not fit its field.
	ErrTooLong = errors.New("value does not fit the field")
	// ErrInvalidText means a value is not valid UTF-8.
	ErrInvalidText = errors.New("value is not valid UTF-8")
	// ErrNotInLayout means a value is set for a field that the card's
	// layout does not have; Encode refuses rather than drop it.
	ErrNotInLayout = errors.New("field is not part of this card's layout")
	// ErrUnknownName means Sex or Nation is not a known name and no code
	// (SexCode, NationCode) was given.
	ErrUnknownName = errors.New("unknown name and no code given")
)

// FieldError reports why Encode could not write a field.
type FieldError struct {
	Field string // the Go name of the field in Fields, e.g. "Address"
	Err   error  // one of the Err… reasons above
}

// Error implements error.
func (e *FieldError) Error() string {
	return "textblock: encode " + e.Field + ": " + e.Err.Error()
}

// Unwrap returns the reason, so errors.Is(err, ErrTooLong) works.
func (e *FieldError) Unwrap() error { return e.Err }

// kind says how a slot's text is converted between the card and Fields.
type kind uint8

const (
	plain kind = iota // text as is
	date              // YYYYMMDD on the card, YYYY-MM-DD in Fields
)

// span is a run of bytes in the block.
type span struct{ off, size int }

// slot is one field of a layout. A slot normally covers one span; the 'Y'
// English name covers two, whose code units are joined before decoding.
type slot struct {
	name  string // Go field name, for errors
	spans []span
	kind  kind
	field func(*Fields) *string
}

// units is the slot's width in UCS-2 code units.
func (s slot) units() int {
	n := 0
	for _, sp := range s.spans {
		n += sp.size / 2
	}
	return n
}

func one(name string, off, size int, k kind, field func(*Fields) *string) slot {
	return slot{name: name, spans: []span{{off, size}}, kind: k, field: field}
}

// Field accessors, shared by the layouts and by the "not in layout" check.
func fName(f *Fields) *string        { return &f.Name }
func fNameEn(f *Fields) *string      { return &f.NameEn }
func fSexCode(f *Fields) *string     { return &f.SexCode }
func fNationCode(f *Fields) *string  { return &f.NationCode }
func fBirthDate(f *Fields) *string   { return &f.BirthDate }
func fAddress(f *Fields) *string     { return &f.Address }
func fIDNumber(f *Fields) *string    { return &f.IDNumber }
func fIssuer(f *Fields) *string      { return &f.Issuer }
func fValidFrom(f *Fields) *string   { return &f.ValidFrom }
func fValidUntil(f *Fields) *string  { return &f.ValidUntil }
func fNationality(f *Fields) *string { return &f.Nationality }
func fPassNumber(f *Fields) *string  { return &f.PassNumber }
func fIssueCount(f *Fields) *string  { return &f.IssueCount }
func fCardVersion(f *Fields) *string { return &f.CardVersion }
func fIssuerCode(f *Fields) *string  { return &f.IssuerCode }

// Slots shared by several layouts (spec §5.2–5.5).
var (
	sName       = one("Name", 0, 30, plain, fName)
	sSex        = one("SexCode", 30, 2, plain, fSexCode)
	sBirth      = one("BirthDate", 36, 16, date, fBirthDate)
	sAddress    = one("Address", 52, 70, plain, fAddress)
	sID18       = one("IDNumber", 122, 36, plain, fIDNumber)
	sIssuer     = one("Issuer", 158, 30, plain, fIssuer)
	sValidFrom  = one("ValidFrom", 188, 16, date, fValidFrom)
	sValidUntil = one("ValidUntil", 204, 16, date, fValidUntil)
)

// layout describes one card kind.
type layout struct {
	typ      CardType
	typeUnit uint16 // code unit at offset 248; 0 for the resident card
	slots    []slot
}

// layouts lists the four card kinds. It is never modified.
var layouts = [...]layout{
	{Resident, 0, []slot{
		sName, sSex,
		one("NationCode", 32, 4, plain, fNationCode),
		sBirth, sAddress, sID18, sIssuer, sValidFrom, sValidUntil,
	}},
	{HKMOTWResidence, 'J', []slot{
		sName, sSex, sBirth, sAddress, sID18, sIssuer, sValidFrom, sValidUntil,
		one("PassNumber", 220, 18, plain, fPassNumber),
		one("IssueCount", 238, 4, plain, fIssueCount),
	}},
	{ForeignPermanent2017, 'I', []slot{
		one("NameEn", 0, 120, plain, fNameEn),
		one("SexCode", 120, 2, plain, fSexCode),
		one("IDNumber", 122, 30, plain, fIDNumber),
		one("Nationality", 152, 6, plain, fNationality),
		one("Name", 158, 30, plain, fName),
		sValidFrom, sValidUntil,
		one("BirthDate", 220, 16, date, fBirthDate),
		one("CardVersion", 236, 4, plain, fCardVersion),
		one("IssuerCode", 240, 8, plain, fIssuerCode),
	}},
	{ForeignPermanent2023, 'Y', []slot{
		sName, sSex,
		one("IssueCount", 32, 4, plain, fIssueCount),
		sBirth,
		{name: "NameEn", spans: []span{{52, 70}, {220, 22}}, kind: plain, field: fNameEn},
		sID18, sValidFrom, sValidUntil,
		one("Nationality", 242, 6, plain, fNationality),
	}},
}

// allFields lists every string field of Fields that a slot can hold, so
// that Encode can refuse values the layout has no room for. Sex and Nation
// are covered by SexCode and NationCode.
var allFields = [...]struct {
	name  string
	field func(*Fields) *string
}{
	{"Name", fName}, {"NameEn", fNameEn}, {"SexCode", fSexCode},
	{"NationCode", fNationCode}, {"BirthDate", fBirthDate},
	{"Address", fAddress}, {"IDNumber", fIDNumber}, {"Issuer", fIssuer},
	{"ValidFrom", fValidFrom}, {"ValidUntil", fValidUntil},
	{"Nationality", fNationality}, {"PassNumber", fPassNumber},
	{"IssueCount", fIssueCount}, {"CardVersion", fCardVersion},
	{"IssuerCode", fIssuerCode},
}

// layoutFor returns the layout of the given type, or false.
func layoutFor(t CardType) (*layout, bool) {
	for i := range layouts {
		if layouts[i].typ == t {
			return &layouts[i], true
		}
	}
	return nil, false
}

// layoutOf picks the layout from the code unit at offset 248.
func layoutOf(b []byte) *layout {
	u := uint16(b[typeOffset]) | uint16(b[typeOffset+1])<<8
	for i := 1; i < len(layouts); i++ {
		if layouts[i].typeUnit == u {
			return &layouts[i]
		}
	}
	return &layouts[0]
}

// Decode decodes a Size-byte text block. The card kind is taken from the
// code unit at offset 248 ('J', 'I' or 'Y'; anything else is a resident
// card). The only error is a *SizeError for a block of the wrong length;
// any content decodes, and Decode never panics.
func Decode(b []byte) (Fields, error) {
	if len(b) != Size {
		return Fields{}, &SizeError{Len: len(b)}
	}
	l := layoutOf(b)
	f := Fields{Type: l.typ}
	for _, s := range l.slots {
		v := decodeSlot(b, s)
		if s.kind == date {
			v = dateFromCard(v)
		}
		*s.field(&f) = v
	}
	f.Sex = sexName(f.SexCode)
	if l.typ == Resident {
		f.Nation = nationName(f.NationCode)
	}
	return f, nil
}

// decodeSlot joins the code units of the slot's spans, decodes them and
// trims trailing padding.
func decodeSlot(b []byte, s slot) string {
	u := make([]uint16, 0, s.units())
	for _, sp := range s.spans {
		for i := sp.off; i < sp.off+sp.size; i += 2 {
			u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
		}
	}
	return decodeUnits(u)
}

func decodeUnits(u []uint16) string {
	return strings.TrimRight(string(utf16.Decode(u)), " \x00")
}

// DecodeString decodes one space-padded UCS-2LE field outside the text
// block (such as an appended address, 30 03) the way Decode treats the
// block's fields. An odd trailing byte is ignored.
func DecodeString(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return decodeUnits(u)
}

// EncodeString writes v as a space-padded UCS-2LE field of width bytes, the
// inverse of DecodeString. It fails with ErrTooLong when v does not fit.
func EncodeString(v string, width int) ([]byte, error) {
	b := make([]byte, width)
	for i := 0; i+1 < width; i += 2 {
		b[i] = ' '
	}
	return b, encodeSlot(b, one("value", 0, width-width%2, plain, nil), v)
}

// Encode writes the layout for f.Type, space padded. It is the inverse of
// Decode. Dates given as YYYY-MM-DD are written as YYYYMMDD; any other date
// text (such as 长期) is written as it is. SexCode and NationCode are used
// when set; otherwise Sex and Nation are mapped back to codes (a name with
// or without 族 is accepted for Nation; a value that is not a known name
// needs its code). Trailing spaces and NULs in a value
// cannot be told from padding and are lost.
//
// The error is a *FieldError naming the field: ErrUnknownType, ErrTooLong,
// ErrInvalidText, ErrNotInLayout or ErrUnknownName.
func Encode(f Fields) ([]byte, error) {
	l, ok := layoutFor(f.Type)
	if !ok {
		return nil, &FieldError{Field: "Type", Err: ErrUnknownType}
	}
	var err error
	if f.SexCode, err = codeFor("Sex", f.SexCode, f.Sex, sexCodeOf); err != nil {
		return nil, err
	}
	if f.NationCode, err = codeFor("Nation", f.NationCode, f.Nation, nationCodeOf); err != nil {
		return nil, err
	}
	if err := checkCovered(&f, l); err != nil {
		return nil, err
	}
	b := make([]byte, Size)
	for i := 0; i < Size; i += 2 {
		b[i] = ' '
	}
	if l.typeUnit != 0 {
		b[typeOffset], b[typeOffset+1] = byte(l.typeUnit), byte(l.typeUnit>>8)
	}
	for _, s := range l.slots {
		v := *s.field(&f)
		if s.kind == date {
			v = dateToCard(v)
		}
		if err := encodeSlot(b, s, v); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// codeFor returns the code to write for a coded field: code if set, else
// the code of the display name.
func codeFor(field, code, name string, lookup func(string) (string, bool)) (string, error) {
	if code != "" || name == "" {
		return code, nil
	}
	if c, ok := lookup(name); ok {
		return c, nil
	}
	return "", &FieldError{Field: field, Err: ErrUnknownName}
}

// checkCovered refuses values in fields that layout l has no slot for.
func checkCovered(f *Fields, l *layout) error {
	for _, a := range allFields {
		if *a.field(f) == "" {
			continue
		}
		covered := false
		for _, s := range l.slots {
			if s.name == a.name {
				covered = true
				break
			}
		}
		if !covered {
			name := a.name
			if name == "NationCode" && f.Nation != "" {
				name = "Nation"
			}
			return &FieldError{Field: name, Err: ErrNotInLayout}
		}
	}
	return nil
}

// encodeSlot writes v into the slot's spans, one code unit after another.
// The buffer is already space padded.
func encodeSlot(b []byte, s slot, v string) error {
	if !utf8.ValidString(v) {
		return &FieldError{Field: s.name, Err: ErrInvalidText}
	}
	u := utf16.Encode([]rune(v))
	if len(u) > s.units() {
		return &FieldError{Field: s.name, Err: ErrTooLong}
	}
	for _, sp := range s.spans {
		for i := sp.off; i < sp.off+sp.size && len(u) > 0; i += 2 {
			b[i], b[i+1] = byte(u[0]), byte(u[0]>>8)
			u = u[1:]
		}
	}
	return nil
}

// permanent is the value of ValidUntil on a card without expiry.
const permanent = "长期"

// dateFromCard turns a valid YYYYMMDD into YYYY-MM-DD and returns anything
// else (such as 长期) unchanged.
func dateFromCard(v string) string {
	if _, ok := digits(v); ok && len(v) == 8 {
		if _, err := time.Parse("20060102", v); err == nil {
			return v[0:4] + "-" + v[4:6] + "-" + v[6:8]
		}
	}
	return v
}

// dateToCard turns a YYYY-MM-DD that dateFromCard could have produced into
// YYYYMMDD and returns anything else unchanged.
func dateToCard(v string) string {
	if len(v) == 10 && v[4] == '-' && v[7] == '-' {
		if c := v[0:4] + v[5:7] + v[8:10]; dateFromCard(c) == v {
			return c
		}
	}
	return v
}

// digits parses a string of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, s != ""
}
