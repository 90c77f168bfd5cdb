// Package documents renders the papers of the 一证申请 flow as PDF: the
// 诚信承诺书 and the 家庭经济状况核对授权书 that applicants sign on the pad,
// the application receipt (受理回执) and the 一次性告知书 that lists what is
// still missing.
//
// # Signed documents
//
// A signed document is rendered twice. Its text rendering — the document
// with blank signature lines, no case number, nobody marked absent — is
// what every signer signs: its SHA-256 (Result.TextSHA256) goes into each
// signature's evidence bundle as document.sha256, and that PDF, kept, is
// what "kiosk-agent verify-signature BUNDLE --document TEXT.pdf" checks
// against. The signed record shows the same text with each signer's
// signature (the bundle's manifest.png), name, time, the bundle's SHA-256
// (short and full) and how to check it, and ends with the text's SHA-256.
// A member absent today signs the same text later, under the same
// authorisation number. Rendering is deterministic: the same data (with
// the same At) gives the same bytes, so the text can be rendered again to
// check a hash; a signature whose DocumentSHA256 is not the text's is
// refused (*MismatchError).
//
// # Personal data
//
// ID numbers are printed masked (370481********1371, MaskID) on every
// document, signed ones included: the full number is in the platform's
// record, which the case and authorisation numbers point to, and a paper
// that travels (copies, the applicant's bag, the case file) should not
// carry it. Birth dates are not printed either (they are the masked
// digits). Names are whole on the signed documents (a signature stands
// next to its name) and masked on the receipt and the notice, which the
// applicant takes away. Nothing here logs, and errors name fields, never
// values.
//
// # Fonts
//
// gopdf (v0.33.0) embeds TrueType (glyf) fonts only, from a single font
// file beginning with version 0x00010000, using the (3,1) format 4 cmap
// and, beyond U+FFFF, the (3,10) format 12 one. A face of a .ttc is
// extracted in memory into such a file; CFF-based fonts (Noto Sans CJK,
// Source Han: .ttc/.otf with OTTO) cannot be embedded and are skipped.
// Each character is drawn from the first face that has it (Options.Fonts,
// then SystemFontPaths); what none has is drawn as a visible box holding
// its code point and reported in Result.Missing — never dropped. gopdf's
// own lookups silently leave out or draw glyph 0 for unmapped
// characters, so this package decides coverage itself, with the same
// lookups, before gopdf sees a character. gopdf also writes a wrong
// ToUnicode entry for characters beyond U+FFFF (𠮷 extracts as ₻); the
// PDF is patched after writing so that text extraction and search work.
package documents
