//go:build windows

package secretfile

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// This code is compile-checked on every build; the tests run on Linux.

func blob(b []byte) *windows.DataBlob {
	if len(b) == 0 {
		return &windows.DataBlob{}
	}
	return &windows.DataBlob{Size: uint32(len(b)), Data: &b[0]}
}

// Protect encrypts b with DPAPI (CryptProtectData) in the scope of the
// user the agent runs as, bound to purpose (its entropy).
func Protect(b []byte, purpose string) ([]byte, error) {
	ent := []byte(purpose)
	var out windows.DataBlob
	err := windows.CryptProtectData(blob(b), nil, blob(ent), 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	if err != nil {
		return nil, err
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return append([]byte(nil), unsafe.Slice(out.Data, out.Size)...), nil
}

// Unprotect decrypts what Protect made for the same purpose.
func Unprotect(b []byte, purpose string) ([]byte, error) {
	ent := []byte(purpose)
	var out windows.DataBlob
	err := windows.CryptUnprotectData(blob(b), nil, blob(ent), 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	if err != nil {
		return nil, err
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return append([]byte(nil), unsafe.Slice(out.Data, out.Size)...), nil
}

// SyncDir: NTFS journals its metadata; Windows cannot sync a directory.
func SyncDir(string) error { return nil }
