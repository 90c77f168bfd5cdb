package evidence

// VerifyError says which part of a bundle is wrong and why. Part is a
// path: "bundle" (the whole), a top-level member ("format", "version",
// "signature.keyId", "signature.value", "signature.digests"), a manifest
// member or a value in it ("manifest.png", "manifest.document.sha256",
// "manifest.ink.samples[12]"), or "key" (the key to verify against).
type VerifyError struct {
	Part   string
	Reason string
}

func (e *VerifyError) Error() string { return e.Part + ": " + e.Reason }
