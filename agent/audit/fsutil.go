package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// syncDir makes the creations and renames in dir durable. Windows has no
// way to sync a directory (NTFS journals its metadata), so it does nothing
// there.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("audit: sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("audit: sync %s: %w", dir, err)
	}
	return nil
}

// writeAtomic replaces dir/name with data: a temporary file in dir,
// written, fsynced and renamed over it, so a crash leaves the old content
// or the new, never a mix. The caller holds the log's lock, so one fixed
// temporary name does.
func writeAtomic(dir, name string, data []byte) error {
	tmp := filepath.Join(dir, name+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("audit: write %s: %w", name, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("audit: write %s: %w", name, err)
	}
	return nil
}
