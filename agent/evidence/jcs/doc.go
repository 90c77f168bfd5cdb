// Package jcs is the JSON Canonicalization Scheme of RFC 8785: the one
// byte sequence a JSON value is signed as.
//
// Parse reads JSON strictly, as I-JSON (RFC 7493) asks and JCS requires:
// UTF-8 only, no duplicate member names, no lone surrogates or Unicode
// noncharacters in strings, numbers that are finite IEEE 754 doubles.
// Append writes a value canonically: no whitespace, object members sorted
// by the UTF-16 code units of their names, strings escaped only where
// RFC 8785 §3.2.2.2 says, numbers in the shortest form ECMAScript's
// Number.prototype.toString gives (RFC 8785 §3.2.2.3, implemented in full).
//
// A SyntaxError says where the text is wrong: its byte offset and the path
// of the value being read ("manifest.ink.samples[3][1]").
package jcs
