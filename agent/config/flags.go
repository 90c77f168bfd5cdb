package config

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strings"
)

// Flags is the command line's share of the configuration: the --config flag
// and a flag for every key, registered by Bind.
type Flags struct {
	fs     *flag.FlagSet
	path   string
	values map[string]*flagValue // by flag name
}

// Bind registers --config FILE and a flag for every key of the
// configuration file on fs. Call Flags.Load after fs.Parse.
func Bind(fs *flag.FlagSet) *Flags {
	return bind(fs, DefaultPath())
}

// bind is Bind with the default of --config.
func bind(fs *flag.FlagSet, defaultPath string) *Flags {
	f := &Flags{fs: fs, values: map[string]*flagValue{}}
	fs.StringVar(&f.path, "config", defaultPath, "read the configuration from `FILE` (\"\" for none)")
	for _, s := range settings() {
		v := &flagValue{s: &s}
		f.values[s.flag] = v
		fs.Var(v, s.flag, fmt.Sprintf("%s [%s]", s.flagUsage(), s.key))
	}
	return f
}

// Load returns the configuration: Default, then the configuration file
// (--config), then exactly the flags set on the command line, so flags
// override the file; then it validates the result. A missing file is fine
// when it is the default path, not when --config names it. The error is an
// Errors holding every problem, a flag's naming the flag and the key, or a
// plain error when the file cannot be read.
func (f *Flags) Load() (Config, error) {
	named := false
	var set []*flagValue
	f.fs.Visit(func(fl *flag.Flag) {
		if fl.Name == "config" {
			named = true
		}
		if v, ok := f.values[fl.Name]; ok && fl.Value == flag.Value(v) {
			set = append(set, v)
		}
	})
	var data []byte
	if f.path != "" {
		var err error
		data, err = os.ReadFile(f.path)
		switch {
		case err == nil:
			if data == nil {
				data = []byte{} // an empty file is still a file
			}
		case errors.Is(err, fs.ErrNotExist) && !named:
			data = nil
		default:
			return Default(), fmt.Errorf("read the configuration file: %w", err)
		}
	}
	c, errs := load(data, f.path, set)
	return c, errs.Err()
}

// Path is the configuration file Load reads: --config, or DefaultPath.
func (f *Flags) Path() string { return f.path }

// flagValue is the flag.Value of a setting. It only keeps what the command
// line says; Flags.Load parses it, so that its problems are reported with
// the file's.
type flagValue struct {
	s    *setting
	args []string // every value given, in order
}

// String returns the value given last, or the setting's default.
func (v *flagValue) String() string {
	if v == nil || v.s == nil {
		return ""
	}
	if len(v.args) > 0 {
		return strings.Join(v.args, ",")
	}
	if v.s.def == "false" {
		return "" // a boolean flag's default goes without saying
	}
	return v.s.def
}

// Set records a value given on the command line.
func (v *flagValue) Set(arg string) error {
	v.args = append(v.args, arg)
	return nil
}

// IsBoolFlag lets a boolean setting's flag go without a value.
func (v *flagValue) IsBoolFlag() bool {
	return v.s != nil && v.s.arg == ""
}

// apply sets the setting in c to the flag's value: the last one given, or
// every one for a list. It returns the problem with the value, or "".
func (v *flagValue) apply(c *Config) string {
	fv := field(c, v.s.key)
	if kindOf(fv.Type()) == kindList {
		fv.Set(reflect.ValueOf(slices.Clone(v.args)))
		return ""
	}
	return setText(fv, v.args[len(v.args)-1])
}

// flagUsage is the setting's usage text with its rule, without markdown.
func (s *setting) flagUsage() string {
	if s.rule.doc == "" {
		return s.usage
	}
	return s.usage + "; " + strings.ReplaceAll(s.rule.doc, "`", "")
}
