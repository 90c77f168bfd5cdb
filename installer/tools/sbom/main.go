// Command sbom writes the software bill of materials of a kiosk-agent
// release: one CycloneDX 1.5 JSON document for all the agent binaries given
// on the command line, listing each binary (with its SHA-256, target and
// build settings), the Go toolchain's standard library, and every Go module
// built into any of them, with its version, checksum, licences and the
// binaries that contain it.
//
//	sbom -version 0.2.0 -epoch 1764400000 [-revision COMMIT] -o dist/kiosk-agent_0.2.0_sbom.cdx.json dist/kiosk-agent_0.2.0_*
//
// What is built in comes from the binaries themselves (the build
// information the Go linker embeds), so the list is what ships, not what
// go.mod requires. Licences are read from each module's licence files in
// the module cache (downloaded if missing) and classified by
// github.com/google/licensecheck, the classifier pkg.go.dev uses. The
// output depends only on its inputs: the time is -epoch
// (SOURCE_DATE_EPOCH), the serial number is derived from the content, and
// every list is sorted.
package main

import (
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/google/licensecheck"
)

func main() {
	version := flag.String("version", "", "the release's version (kiosk-agent's own)")
	epoch := flag.Int64("epoch", -1, "the document's time, in seconds since 1970 (SOURCE_DATE_EPOCH)")
	out := flag.String("o", "-", "where to write the JSON document")
	revision := flag.String("revision", "", "the source's commit, recorded as kiosk-agent:revision (optional)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: sbom -version V -epoch SECONDS [-revision COMMIT] [-o FILE] BINARY...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *version == "" || *epoch < 0 || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	doc, err := build(*version, time.Unix(*epoch, 0).UTC(), flag.Args(), cacheLicences{})
	if err == nil && *revision != "" {
		doc.Metadata.Component.Properties = append(doc.Metadata.Component.Properties, Property{"kiosk-agent:revision", *revision})
		doc.SerialNumber = ""
		var body []byte
		if body, err = json.Marshal(doc); err == nil {
			doc.SerialNumber = "urn:uuid:" + contentUUID(body)
		}
	}
	if err == nil {
		err = write(*out, doc)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "sbom: %v\n", err)
		os.Exit(1)
	}
}

// BOM is the part of CycloneDX 1.5 this tool writes.
type BOM struct {
	Schema       string       `json:"$schema"`
	BOMFormat    string       `json:"bomFormat"`
	SpecVersion  string       `json:"specVersion"`
	SerialNumber string       `json:"serialNumber,omitempty"`
	Version      int          `json:"version"`
	Metadata     Metadata     `json:"metadata"`
	Components   []Component  `json:"components"`
	Dependencies []Dependency `json:"dependencies"`
}

// Metadata says what the BOM describes, when and with what.
type Metadata struct {
	Timestamp string    `json:"timestamp"`
	Tools     Tools     `json:"tools"`
	Component Component `json:"component"`
}

// Tools names the tool that wrote the BOM.
type Tools struct {
	Components []Component `json:"components"`
}

// Component is a binary, a module or the standard library.
type Component struct {
	Type        string     `json:"type"`
	BOMRef      string     `json:"bom-ref,omitempty"`
	Name        string     `json:"name"`
	Version     string     `json:"version,omitempty"`
	Description string     `json:"description,omitempty"`
	PURL        string     `json:"purl,omitempty"`
	Hashes      []Hash     `json:"hashes,omitempty"`
	Licenses    []Licence  `json:"licenses,omitempty"`
	Properties  []Property `json:"properties,omitempty"`
}

// Hash is a file's digest.
type Hash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

// Licence is one licence: an SPDX ID where known, a name otherwise.
type Licence struct {
	License LicenceChoice `json:"license"`
}

// LicenceChoice is CycloneDX's id-or-name.
type LicenceChoice struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Property is a name-value pair.
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Dependency says which components a binary is built from.
type Dependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// licences finds a module's licence files and classifies them.
type licences interface {
	// Of returns the SPDX IDs (or, for text no licence matched, the file
	// names with "unrecognised") of the module path@version's licences.
	Of(path, version string) ([]string, error)
	// Stdlib returns the Go toolchain's, for goVersion ("go1.26.8").
	Stdlib(goVersion string) ([]string, error)
}

// module is one module built into at least one binary.
type module struct {
	path, version, sum string
	in                 []string // bom-refs of the binaries
}

func build(version string, at time.Time, binaries []string, lic licences) (*BOM, error) {
	doc := &BOM{
		Schema:      "http://cyclonedx.org/schema/bom-1.5.schema.json",
		BOMFormat:   "CycloneDX",
		SpecVersion: "1.5",
		Version:     1,
		Metadata: Metadata{
			Timestamp: at.Format(time.RFC3339),
			Tools: Tools{Components: []Component{{Type: "application", Name: "kiosk-agent installer/tools/sbom",
				Description: "reads the Go build information of each binary; licences classified by github.com/google/licensecheck"}}},
			Component: Component{Type: "application", BOMRef: "kiosk-agent", Name: "kiosk-agent", Version: version,
				PURL:     "pkg:golang/github.com/kiosk-agent/kiosk-agent@" + version,
				Licenses: []Licence{{LicenceChoice{Name: "NOASSERTION"}}}},
		},
	}
	modules := map[string]*module{}
	goVersions := map[string][]string{}
	var bins []Component
	var deps []Dependency
	for _, file := range binaries {
		info, err := buildinfo.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		name := filepath.Base(file)
		ref := "file:" + name
		c := Component{Type: "application", BOMRef: ref, Name: name, Version: version,
			Hashes:     []Hash{{"SHA-256", hex.EncodeToString(sum[:])}},
			Properties: []Property{{"go:toolchain", info.GoVersion}, {"go:package", info.Path}}}
		for _, s := range info.Settings {
			switch s.Key {
			case "GOOS", "GOARCH", "CGO_ENABLED", "-tags", "-trimpath", "-ldflags", "vcs.revision", "vcs.modified":
				c.Properties = append(c.Properties, Property{"go:build:" + s.Key, s.Value})
			}
		}
		bins = append(bins, c)
		dep := Dependency{Ref: ref, DependsOn: []string{stdlibRef(info.GoVersion)}}
		goVersions[info.GoVersion] = append(goVersions[info.GoVersion], ref)
		for _, d := range info.Deps {
			m := d
			if d.Replace != nil {
				m = d.Replace
			}
			key := m.Path + "@" + m.Version
			if modules[key] == nil {
				modules[key] = &module{path: m.Path, version: m.Version, sum: m.Sum}
			}
			modules[key].in = append(modules[key].in, ref)
			dep.DependsOn = append(dep.DependsOn, moduleRef(m))
		}
		slices.Sort(dep.DependsOn)
		deps = append(deps, dep)
	}
	slices.SortFunc(bins, func(a, b Component) int { return strings.Compare(a.Name, b.Name) })
	doc.Components = append(doc.Components, bins...)

	var gos []string
	for v := range goVersions {
		gos = append(gos, v)
	}
	slices.Sort(gos)
	for _, v := range gos {
		ids, err := lic.Stdlib(v)
		if err != nil {
			return nil, err
		}
		refs := goVersions[v]
		slices.Sort(refs)
		doc.Components = append(doc.Components, Component{Type: "library", BOMRef: stdlibRef(v), Name: "stdlib",
			Version: v, Description: "the Go standard library and runtime", PURL: "pkg:golang/stdlib@" + v,
			Licenses: licenceList(ids), Properties: []Property{{"kiosk-agent:in", strings.Join(refs, " ")}}})
	}

	var keys []string
	for k := range modules {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		m := modules[k]
		ids, err := lic.Of(m.path, m.version)
		if err != nil {
			return nil, err
		}
		slices.Sort(m.in)
		c := Component{Type: "library", BOMRef: "pkg:golang/" + k, Name: m.path, Version: m.version,
			PURL: "pkg:golang/" + k, Licenses: licenceList(ids)}
		if m.sum != "" {
			c.Properties = append(c.Properties, Property{"go:module:sum", m.sum})
		}
		c.Properties = append(c.Properties, Property{"kiosk-agent:in", strings.Join(slices.Compact(m.in), " ")})
		doc.Components = append(doc.Components, c)
	}
	slices.SortFunc(deps, func(a, b Dependency) int { return strings.Compare(a.Ref, b.Ref) })
	doc.Dependencies = deps

	// The serial number is a UUID made from the rest of the document, so
	// that the same inputs give the same document.
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	doc.SerialNumber = "urn:uuid:" + contentUUID(body)
	return doc, nil
}

func moduleRef(m *debug.Module) string  { return "pkg:golang/" + m.Path + "@" + m.Version }
func stdlibRef(goVersion string) string { return "pkg:golang/stdlib@" + goVersion }

// licenceList turns IDs into CycloneDX licences: SPDX IDs as id, anything
// else (NOASSERTION, "unrecognised: FILE") as name.
func licenceList(ids []string) []Licence {
	var out []Licence
	for _, id := range ids {
		if spdxID.MatchString(id) && id != "NOASSERTION" {
			out = append(out, Licence{LicenceChoice{ID: id}})
		} else {
			out = append(out, Licence{LicenceChoice{Name: id}})
		}
	}
	return out
}

var spdxID = regexp.MustCompile(`^[A-Za-z0-9.+-]+$`)

// contentUUID is a version 5 style UUID from the SHA-256 of b.
func contentUUID(b []byte) string {
	h := sha256.Sum256(b)
	u := h[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

func write(path string, doc *BOM) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if path == "-" {
		_, err := os.Stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// cacheLicences reads licence files from the module cache and GOROOT.
type cacheLicences struct{}

func (cacheLicences) Of(path, version string) ([]string, error) {
	dir, err := moduleDir(path, version)
	if err != nil {
		return nil, err
	}
	return classifyDir(dir)
}

func (cacheLicences) Stdlib(goVersion string) ([]string, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	ids, err := classifyDir(strings.TrimSpace(string(out)))
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// moduleDir is path@version's directory in the module cache, downloaded
// first when it is not there.
func moduleDir(path, version string) (string, error) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMODCACHE: %w", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), escape(path)+"@"+escape(version))
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	cmd := exec.Command("go", "mod", "download", "-json", path+"@"+version)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	js, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", path, version, err)
	}
	var d struct{ Dir, Error string }
	if err := json.Unmarshal(js, &d); err != nil || d.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %v%s", path, version, err, d.Error)
	}
	return d.Dir, nil
}

// escape is the module cache's case encoding: an upper-case letter becomes
// "!" and the letter in lower case.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// licenceFile matches the names licence texts go by at a module's root.
var licenceFile = regexp.MustCompile(`(?i)^(LICEN[CS]E|COPYING|COPYRIGHT|UNLICENSE|MIT-LICENSE)([-_.].*)?$`)

// classifyDir classifies the licence files at dir's top level: the sorted
// SPDX IDs found, a description (see describe) for a file no licence
// matched, or NOASSERTION when there is no licence file at all.
func classifyDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() || !licenceFile.MatchString(e.Name()) {
			continue
		}
		text, err := readLimited(filepath.Join(dir, e.Name()), 1<<20)
		if err != nil {
			return nil, err
		}
		found := classify(text)
		if len(found) == 0 {
			found = []string{describe(e.Name(), text)}
		}
		ids = append(ids, found...)
	}
	if len(ids) == 0 {
		return []string{"NOASSERTION"}, nil
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// classify returns the SPDX IDs licensecheck finds in text, when they cover
// enough of it to say the text is those licences.
func classify(text []byte) []string {
	cov := licensecheck.Scan(text)
	if cov.Percent < 50 {
		return nil
	}
	var ids []string
	for _, m := range cov.Match {
		if !m.IsURL {
			ids = append(ids, m.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Texts licensecheck has no pattern for, by their first words.
var (
	sqlitePublicDomain = regexp.MustCompile(`^\s*SQLite Is Public Domain`)
	onlyURL            = regexp.MustCompile(`^\s*(https?://\S+)\s*$`)
)

// describe names a licence file that no known licence matched: SQLite's
// public-domain dedication, a file that is only a link (to where a logo
// came from, say), or "unrecognised: NAME" for a person to read.
func describe(name string, text []byte) string {
	switch {
	case sqlitePublicDomain.Match(text):
		return "SQLite public domain dedication (" + name + ")"
	case onlyURL.Match(text):
		return name + ": " + string(onlyURL.FindSubmatch(text)[1])
	}
	return "unrecognised: " + name
}

func readLimited(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, n))
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, errors.New(path + ": empty")
	}
	return b, nil
}
