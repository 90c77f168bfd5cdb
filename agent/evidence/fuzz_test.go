package evidence

import (
	"errors"
	"testing"
)

// FuzzVerify: Verify never panics, always fails with a *VerifyError
// naming a part, and accepts only bundles the key signed.
func FuzzVerify(f *testing.F) {
	k := testKey(f, 1)
	pub := k.Public()
	good := build(f, testManifest(), k)
	f.Add(good)
	f.Add([]byte(`{"format":"kiosk-agent.signature","version":1,"manifest":{},"signature":{}}`))
	f.Add([]byte(`{"manifest":{"ink":{"samples":[[0,1,2,3,1],[5,6,7,8,1]]}}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Verify(data, &pub)
		if err != nil {
			var ve *VerifyError
			if !errors.As(err, &ve) || ve.Part == "" || ve.Reason == "" {
				t.Fatalf("error %#v is not a *VerifyError with a part and a reason", err)
			}
			return
		}
		if r.KeyID != pub.KeyID || r.Manifest.Signer.Name != "张三" {
			t.Fatalf("accepted a bundle the key did not sign: %q", data)
		}
	})
}
