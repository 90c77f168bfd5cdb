//go:build linux

package outbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// ext4's shutdown ioctl (EXT4_IOC_SHUTDOWN, _IOR('X', 125, __u32)) with
// EXT4_GOING_FLAGS_NOLOGFLUSH stops the file system at once: what was not
// synced — dirty pages, the uncommitted journal — never reaches the disk.
// xfstests simulates power failure with it ("godown").
const (
	ext4IocShutdown          = 0x8004587d
	ext4GoingFlagsNoLogFlush = 2
)

// TestPowerCut is the kill test with a power cut before each kill: the
// state directory is on an ext4 file system in a loop device, shut down
// without flushing just before the SIGKILL, then mounted again. Unlike a
// bare kill -9 (after which the kernel still writes out what the process
// wrote), this loses every write that was not synced — so it tells
// synchronous=FULL from OFF (run it with OUTBOX_KILL_SYNC=OFF to see it
// fail). It needs root, loop devices and mkfs.ext4, so it runs only when
// OUTBOX_POWERCUT=1.
func TestPowerCut(t *testing.T) {
	if os.Getenv(killEnvDir) != "" {
		killChild()
		return
	}
	if os.Getenv("OUTBOX_POWERCUT") == "" {
		t.Skip("set OUTBOX_POWERCUT=1 to run (root, loop devices, mkfs.ext4)")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a loop device")
	}
	tmp := t.TempDir()
	img := filepath.Join(tmp, "disk.img")
	mnt := filepath.Join(tmp, "mnt")
	if err := os.Mkdir(mnt, 0o700); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			t.Skipf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("truncate", "-s", "256M", img)
	run("mkfs.ext4", "-q", "-F", img)
	loop := run("losetup", "-f", "--show", img)
	mount := func() error { return unix.Mount(loop, mnt, "ext4", 0, "") }
	if err := mount(); err != nil {
		exec.Command("losetup", "-d", loop).Run()
		t.Skipf("mount %s: %v", loop, err)
	}
	t.Cleanup(func() {
		unix.Unmount(mnt, 0)
		exec.Command("losetup", "-d", loop).Run()
	})
	cut := func(t *testing.T) {
		f, err := os.Open(mnt)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := unix.IoctlSetPointerInt(int(f.Fd()), ext4IocShutdown, ext4GoingFlagsNoLogFlush); err != nil {
			t.Fatalf("shutting %s down: %v", mnt, err)
		}
	}
	remount := func(t *testing.T) {
		if err := unix.Unmount(mnt, 0); err != nil {
			t.Fatalf("unmount: %v", err)
		}
		if err := mount(); err != nil {
			t.Fatalf("mount: %v", err)
		}
	}
	runKillRounds(t, killRun{dir: filepath.Join(mnt, "state"), rounds: 20, n: 1000, test: "TestPowerCut", cut: cut, remount: remount})
}
