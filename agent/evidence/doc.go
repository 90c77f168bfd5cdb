// Package evidence makes and checks the evidence of a signature: one JSON
// document that binds what was signed, who signed it, on what, when, the
// pen's raw reports and their renderings, signed by the agent's own key so
// that anyone with the agent's public key can check it offline.
//
// # The bundle
//
//	{
//	  "format": "kiosk-agent.signature",
//	  "version": 1,
//	  "manifest": {
//	    "document":     {"title": "诚信承诺书", "sha256": "<hex of the document the caller signs>"},
//	    "signer":       {"name": "张三"},
//	    "device":       {"kind": "sigpad", "model": "Wacom STU-540", "serial": "…"} or {"kind": "screen"},
//	    "capturedAt":   "2026-05-01T10:00:00.123+08:00",
//	    "agent":        {"id": "<kiosk>", "version": "<agent version>"},
//	    "promptSha256": "<hex of the image shown on the pad>",
//	    "ink": {"unit": "0.01mm", "width": 10175, "height": 7631, "maxPressure": 1023, "dropped": 0,
//	            "samples": [[t_ms, x, y, pressure, sw], …]},
//	    "renderer": "ink/1",
//	    "render":   {"width": 600, "height": 450, "color": "#000000", "background": "transparent",
//	                 "minWidth": 120, "maxWidth": 480},
//	    "png": "<base64 of the PNG>",
//	    "svg": "<svg …>"
//	  },
//	  "signature": {"alg": "Ed25519", "keyId": "<16 hex>", "value": "<base64>", "digests": {…}}
//	}
//
// The manifest is everything that is signed; signature.value is the
// Ed25519 signature of the manifest's canonical bytes (RFC 8785, package
// jcs), so the bundle may be re-indented or its members reordered without
// breaking it. Samples are integers: t in milliseconds from the first
// sample, x, y and pressure in the device's units (ink.width and
// ink.height are the largest x and y, ink.unit says what a unit is), sw
// the tip switch (0: the pen hovers). Every report the device sent is
// kept, hover reports included; ink.dropped counts reports the device
// numbered but never delivered. png and svg are what drivers/sigpad/ink
// (renderer "ink/1") draws from the samples with the options in render
// (widths in hundredths of a pixel), so they can be re-made and compared.
//
// signature.keyId is the first 16 hex digits of the SHA-256 of the raw
// public key. signature.digests holds, for each manifest member, the hex
// SHA-256 of its canonical bytes. It is not signed and proves nothing: it
// only lets Verify say which member was changed when the signature fails.
//
// # Verify
//
// Verify needs the key to check against (the bundle does not carry one):
// the agent's public key as agent.hello's evidenceKey or "kiosk-agent
// evidence-key" gives it. It fails with a *VerifyError naming the part
// that is wrong; see Verify for the list.
//
// # The agent's key
//
// LoadOrCreateKey keeps one Ed25519 key per agent in <stateDir>/evidence-key
// (PKCS#8, PEM), created on first use. On Unix the file is the owner's
// only (0600) and a key file anyone else may read is refused; on Windows
// its content is protected with DPAPI (CryptProtectData, the service
// account's user scope) — that code is compile-checked here, not run.
//
// # Other algorithms
//
// Signer and Verifier are keyed by the algorithm's name; see
// LookupVerifier for where SM2 (GB/T 38540, with SM3) plugs in.
package evidence
