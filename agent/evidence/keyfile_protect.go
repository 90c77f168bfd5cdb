package evidence

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/kiosk-agent/kiosk-agent/agent/internal/secretfile"
)

// keyPurpose binds the key file's DPAPI protection (Windows) to this use.
const keyPurpose = "kiosk-agent evidence-key v1"

func protect(b []byte) ([]byte, error) { return secretfile.Protect(b, keyPurpose) }

// syncDir makes the creation of a file in dir durable.
func syncDir(dir string) error { return secretfile.SyncDir(dir) }

// createExclusive writes data to a new file at path, atomically and
// durably, and fails with an error matching fs.ErrExist if path exists.
func createExclusive(dir, path string, data []byte) error {
	if err := secretfile.CreateExclusive(dir, path, data); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("evidence: %w", err)
	}
	return nil
}
