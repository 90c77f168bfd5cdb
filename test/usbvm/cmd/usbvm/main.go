// Command usbvm builds the testbed's initramfs and boots it: a stock Debian
// kernel under QEMU whose dummy_hcd host controller is looped back to
// gadgets (package usbvm). It prints the VM's PASS/FAIL lines as they come,
// then a verdict, and exits non-zero unless every check passed and the VM
// finished. .ci/usb-vm prepares its inputs.
//
//	usbvm -kernel DIR -bin DIR -init FILE [-record DIR] [-only reader,printer,pad]
//
// DIR for -kernel holds an extracted linux-image package (boot/vmlinuz-*,
// lib/modules/VERSION/kernel/...); -bin holds usbgadget, usbcheck and
// kiosk-agent. Shared libraries the binaries need (ldd) go in too.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"debug/elf"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// modules are the kernel modules the VM loads (with their dependencies).
var modules = []string{
	"configfs", "dummy_hcd", "libcomposite", "gadgetfs", "usb_f_fs", "usb_f_hid", "usb_f_printer",
	"usbhid", "hid_generic", "usblp",
}

func main() {
	kernel := flag.String("kernel", "", "extracted kernel package directory")
	bin := flag.String("bin", "", "directory with usbgadget, usbcheck, kiosk-agent")
	initPath := flag.String("init", "", "the VM's /init script")
	record := flag.String("record", "", "write the gadgets' traffic recordings into this directory")
	only := flag.String("only", "reader,printer,pad", "which devices to check")
	timeout := flag.Duration("timeout", 4*time.Minute, "give the VM up after this long")
	verbose := flag.Bool("v", false, "show the VM's whole console")
	consoleLog := flag.String("console", "", "write the VM's whole console to this file")
	extra := flag.String("files", "", "more files for the VM, comma-separated, each PATH (the same path inside) or SRC=PATH: the pad's prompt fonts")
	flag.Parse()
	var files []string
	if *extra != "" {
		files = strings.Split(*extra, ",")
	}
	ok, err := run(*kernel, *bin, *initPath, *record, *only, files, *consoleLog, *timeout, *verbose)
	if err != nil {
		fmt.Printf("FAIL usbvm: %v\n", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

func run(kernelDir, binDir, initPath, recordDir, only string, files []string, consoleLog string, timeout time.Duration, verbose bool) (bool, error) {
	t0 := time.Now()
	vmlinuz, _ := filepath.Glob(filepath.Join(kernelDir, "boot", "vmlinuz-*"))
	if len(vmlinuz) != 1 {
		return false, fmt.Errorf("no single boot/vmlinuz-* in %s", kernelDir)
	}
	work, err := os.MkdirTemp("", "usbvm-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(work)
	initrd := filepath.Join(work, "initrd.cpio.gz")
	size, err := buildInitramfs(initrd, kernelDir, binDir, initPath, files)
	if err != nil {
		return false, fmt.Errorf("initramfs: %w", err)
	}
	prep := time.Since(t0)

	accel := "tcg"
	if hasVirt() {
		accel = "kvm"
	}
	append_ := "console=ttyS0 quiet loglevel=3 panic=-1 usbvm.only=" + only
	if recordDir != "" {
		append_ += " usbvm.record=1"
	}
	recFile := filepath.Join(work, "records.txt")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// Two CPUs: under TCG each is a host thread, so the gadgets and the
	// agent's side run side by side (a whole run 25 s instead of 30-60 s),
	// and races one CPU hides show (one did: see functionfs.again).
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64", "-accel", accel, "-m", "768", "-smp", "2",
		"-display", "none", "-monitor", "none", "-no-reboot", "-nic", "none",
		"-serial", "stdio", "-serial", "file:"+recFile,
		"-kernel", vmlinuz[0], "-initrd", initrd, "-append", append_)
	cmd.Stdin = nil
	out, err := cmd.StdoutPipe()
	if err != nil {
		return false, err
	}
	cmd.Stderr = os.Stderr
	fmt.Printf("usbvm: initramfs %.1f MiB built in %.1f s; booting %s under %s\n",
		float64(size)/(1<<20), prep.Seconds(), filepath.Base(vmlinuz[0]), strings.ToUpper(accel))
	vmStart := time.Now()
	if err := cmd.Start(); err != nil {
		return false, err
	}
	var pass, fail int
	done, rc := false, -1
	var console []string
	doneRE := regexp.MustCompile(`USBVM-DONE rc=(\d+)`)
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		console = append(console, line)
		switch {
		case strings.HasPrefix(line, "PASS "):
			pass++
			fmt.Println(line)
		case strings.HasPrefix(line, "FAIL "):
			fail++
			fmt.Println(line)
		case doneRE.MatchString(line):
			done = true
			fmt.Sscan(doneRE.FindStringSubmatch(line)[1], &rc)
		case strings.HasPrefix(line, "usbvm: init at"), strings.HasPrefix(line, "usbvm: done at"):
			fmt.Printf("%s (host: %.1f s after QEMU started)\n", line, time.Since(vmStart).Seconds())
		case verbose || strings.HasPrefix(line, "usbvm") || strings.HasPrefix(line, "usbcheck"):
			fmt.Println(line)
		}
	}
	waitErr := cmd.Wait()
	vm := time.Since(vmStart)
	if ctx.Err() != nil {
		fail++
		fmt.Printf("FAIL usbvm.finished: the VM did not finish within %v\n", timeout)
	} else if !done {
		fail++
		fmt.Printf("FAIL usbvm.finished: the VM stopped without its verdict (%v)\n", waitErr)
	}
	if consoleLog != "" {
		os.WriteFile(consoleLog, []byte(strings.Join(console, "\n")+"\n"), 0o644)
	}
	if fail > 0 || rc != 0 || pass == 0 {
		if consoleLog != "" {
			fmt.Printf("usbvm: the VM's whole console is in %s\n", consoleLog)
		}
		fmt.Println("usbvm: the VM's console, last lines:")
		for _, l := range console[max(0, len(console)-80):] {
			fmt.Println("  | " + l)
		}
	}
	if recordDir != "" && done {
		if err := splitRecords(recFile, recordDir); err != nil {
			fail++
			fmt.Printf("FAIL usbvm.record: %v\n", err)
		}
	}
	fmt.Printf("usbvm: VM run %.1f s, whole %.1f s\n", vm.Seconds(), time.Since(t0).Seconds())
	fmt.Printf("usb-vm: %d passed, %d failed\n", pass, fail)
	return fail == 0 && rc == 0 && pass > 0, nil
}

// hasVirt reports whether the CPU really has hardware virtualisation: a
// software hypervisor's /dev/kvm without vmx/svm hangs a stock kernel.
func hasVirt() bool {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return false
	}
	if !regexp.MustCompile(`(?m)^flags\s*:.*\b(vmx|svm)\b`).Match(b) {
		return false
	}
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// splitRecords cuts the VM's record stream ("=== FILE name" then lines)
// into files under dir.
func splitRecords(path, dir string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var name string
	var cur []string
	files := 0
	flush := func() error {
		if name == "" {
			return nil
		}
		files++
		return os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(cur, "\n")+"\n"), 0o644)
	}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimRight(l, "\r")
		if n, ok := strings.CutPrefix(l, "=== FILE "); ok {
			if err := flush(); err != nil {
				return err
			}
			name, cur = filepath.Base(strings.TrimSpace(n)), nil
			continue
		}
		if l == "=== END" {
			break
		}
		if name != "" {
			cur = append(cur, l)
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if files == 0 {
		return errors.New("the VM sent no recordings")
	}
	fmt.Printf("usbvm: %d recordings written to %s\n", files, dir)
	return nil
}

// buildInitramfs writes a gzip'd newc cpio: busybox, the modules in load
// order (/etc/modules.order), the binaries and their shared libraries,
// and /init.
func buildInitramfs(path, kernelDir, binDir, initPath string, files []string) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	w := &cpioWriter{w: zw, seen: map[string]bool{}}
	for _, d := range []string{"bin", "dev", "proc", "sys", "run", "tmp", "etc", "lib", "lib64", "lib/modules", "sbin", "usr", "usr/bin", "usr/sbin"} {
		w.dir(d)
	}
	w.dev("dev/console", 5, 1)
	if err := w.file("init", initPath, 0o755); err != nil {
		return 0, err
	}
	if err := w.file("bin/busybox", "/bin/busybox", 0o755); err != nil {
		return 0, fmt.Errorf("%w (apt-get install busybox-static)", err)
	}
	// Modules, in load order.
	order, err := moduleOrder(kernelDir, modules)
	if err != nil {
		return 0, err
	}
	var list []string
	for _, m := range order {
		dst := "lib/modules/" + filepath.Base(m)
		if err := w.file(dst, m, 0o644); err != nil {
			return 0, err
		}
		list = append(list, "/"+dst)
	}
	w.data("etc/modules.order", []byte(strings.Join(list, "\n")+"\n"), 0o644)
	// Binaries and the shared libraries they load.
	libs := map[string]bool{}
	bins, err := os.ReadDir(binDir)
	if err != nil {
		return 0, err
	}
	for _, b := range bins {
		src := filepath.Join(binDir, b.Name())
		if err := w.file("bin/"+b.Name(), src, 0o755); err != nil {
			return 0, err
		}
		ls, err := sharedLibs(src)
		if err != nil {
			return 0, err
		}
		for _, l := range ls {
			libs[l] = true
		}
	}
	for _, l := range slices.Sorted(func(yield func(string) bool) {
		for l := range libs {
			if !yield(l) {
				return
			}
		}
	}) {
		real, err := filepath.EvalSymlinks(l)
		if err != nil {
			return 0, err
		}
		for _, d := range parents(strings.TrimPrefix(l, "/")) {
			w.dir(d)
		}
		if err := w.file(strings.TrimPrefix(l, "/"), real, 0o755); err != nil {
			return 0, err
		}
	}
	for _, f := range files {
		src, dst, ok := strings.Cut(f, "=")
		if !ok {
			dst = src
		}
		dst = strings.TrimPrefix(filepath.Clean(dst), "/")
		for _, d := range parents(dst) {
			w.dir(d)
		}
		if err := w.file(dst, src, 0o644); err != nil {
			return 0, err
		}
	}
	if err := w.trailer(); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), f.Close()
}

func parents(p string) []string {
	var out []string
	for d := filepath.Dir(p); d != "." && d != "/"; d = filepath.Dir(d) {
		out = append([]string{d}, out...)
	}
	return out
}

// sharedLibs lists the shared libraries ldd says a dynamic binary loads
// (none for a static one).
func sharedLibs(bin string) ([]string, error) {
	ef, err := elf.Open(bin)
	if err != nil {
		return nil, err
	}
	interp := ef.Section(".interp")
	ef.Close()
	if interp == nil {
		return nil, nil
	}
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("ldd %s: %w", bin, err)
	}
	var libs []string
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 3 && f[1] == "=>" && strings.HasPrefix(f[2], "/"):
			libs = append(libs, f[2])
		case len(f) >= 1 && strings.HasPrefix(f[0], "/"):
			libs = append(libs, f[0])
		}
	}
	return libs, nil
}

// moduleOrder finds the modules and their dependencies (each module's
// .modinfo depends= field) under kernelDir, dependencies first.
func moduleOrder(kernelDir string, want []string) ([]string, error) {
	files := map[string]string{}
	root := filepath.Join(kernelDir, "lib", "modules")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".ko") {
			files[modName(strings.TrimSuffix(d.Name(), ".ko"))] = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(name string) error {
		name = modName(name)
		switch state[name] {
		case 1:
			return fmt.Errorf("module dependency cycle at %s", name)
		case 2:
			return nil
		}
		path, ok := files[name]
		if !ok {
			return fmt.Errorf("module %s is not in %s", name, root)
		}
		state[name] = 1
		deps, err := moduleDeps(path)
		if err != nil {
			return err
		}
		for _, d := range deps {
			if err := visit(d); err != nil {
				return err
			}
		}
		state[name] = 2
		order = append(order, path)
		return nil
	}
	for _, m := range want {
		if err := visit(m); err != nil {
			return nil, err
		}
	}
	return order, nil
}

func modName(s string) string { return strings.ReplaceAll(s, "-", "_") }

func moduleDeps(path string) ([]string, error) {
	ef, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer ef.Close()
	s := ef.Section(".modinfo")
	if s == nil {
		return nil, fmt.Errorf("%s has no .modinfo", path)
	}
	data, err := s.Data()
	if err != nil {
		return nil, err
	}
	for _, kv := range bytes.Split(data, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte("depends=")); ok {
			if len(v) == 0 {
				return nil, nil
			}
			return strings.Split(string(v), ","), nil
		}
	}
	return nil, nil
}

// cpioWriter writes the newc format the kernel unpacks.
type cpioWriter struct {
	w    io.Writer
	ino  int
	seen map[string]bool
	err  error
}

func (c *cpioWriter) header(name string, mode uint32, size int, rdevMajor, rdevMinor int) {
	c.ino++
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		c.ino, mode, 0, 0, 1, 0, size, 0, 0, rdevMajor, rdevMinor, len(name)+1, 0)
	c.write([]byte(hdr))
	c.write(append([]byte(name), 0))
	c.pad(110 + len(name) + 1)
}

func (c *cpioWriter) write(b []byte) {
	if c.err == nil {
		_, c.err = c.w.Write(b)
	}
}

func (c *cpioWriter) pad(n int) {
	if r := n % 4; r != 0 {
		c.write(make([]byte, 4-r))
	}
}

func (c *cpioWriter) dir(name string) {
	if c.seen[name] {
		return
	}
	c.seen[name] = true
	c.header(name, 0o040755, 0, 0, 0)
}

func (c *cpioWriter) dev(name string, major, minor int) {
	c.header(name, 0o020600, 0, major, minor)
}

func (c *cpioWriter) data(name string, b []byte, perm uint32) {
	c.header(name, 0o100000|perm, len(b), 0, 0)
	c.write(b)
	c.pad(len(b))
}

func (c *cpioWriter) file(name, src string, perm uint32) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	c.data(name, b, perm)
	return c.err
}

func (c *cpioWriter) trailer() error {
	c.header("TRAILER!!!", 0, 0, 0, 0)
	return c.err
}
