package pairing

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// writeAtomic replaces path with data: a temporary file beside it
// (0600), written, fsynced and renamed over it, then the directory synced,
// so a crash leaves the old file or the new one. The new file's time is
// later than prev (the old file's), so that a reader that compares
// size and time sees the change even on a coarse clock.
func writeAtomic(path string, data []byte, prev time.Time) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return fmt.Errorf("pairing: write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		m := time.Now()
		if !m.After(prev) {
			m = prev.Add(time.Millisecond)
		}
		err = os.Chtimes(tmp, m, m)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("pairing: write %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot sync a directory
// (NTFS journals its metadata), so it does nothing there.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("pairing: sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("pairing: sync %s: %w", dir, err)
	}
	return nil
}
