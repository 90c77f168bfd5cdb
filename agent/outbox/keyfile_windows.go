//go:build windows

package outbox

import (
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// On Windows the key file's content is protected with DPAPI
// (CryptProtectData) in the scope of the user the agent runs as — the
// service account — so another account that can read the file (Windows
// has no mode 0600, and ProgramData is readable by Users) cannot use the
// key. This code is compile-checked on every build; the tests run on
// Linux only.

// entropy binds the protected blob to this use.
const entropy = "kiosk-agent outbox-key v1"

func blob(b []byte) *windows.DataBlob {
	if len(b) == 0 {
		return &windows.DataBlob{}
	}
	return &windows.DataBlob{Size: uint32(len(b)), Data: &b[0]}
}

func protect(b []byte) ([]byte, error) {
	ent := []byte(entropy)
	var out windows.DataBlob
	err := windows.CryptProtectData(blob(b), nil, blob(ent), 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	if err != nil {
		return nil, err
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return append([]byte(nil), unsafe.Slice(out.Data, out.Size)...), nil
}

func unprotect(b []byte) ([]byte, error) {
	ent := []byte(entropy)
	var out windows.DataBlob
	err := windows.CryptUnprotectData(blob(b), nil, blob(ent), 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	if err != nil {
		return nil, err
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return append([]byte(nil), unsafe.Slice(out.Data, out.Size)...), nil
}

// checkPrivate has nothing to check: DPAPI protects the content.
func checkPrivate(string, os.FileInfo) error { return nil }

// syncDir: NTFS journals its metadata; Windows cannot sync a directory.
func syncDir(string) error { return nil }
