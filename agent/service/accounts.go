package service

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"regexp"
	"strings"
)

// Accounts is what installing the Linux service needs of the system's user
// database. [SystemAccounts] is the real one; tests substitute a fake to see
// the commands without running them.
type Accounts interface {
	// UserExists says whether the user name exists.
	UserExists(name string) (bool, error)
	// GroupExists says whether the group name exists.
	GroupExists(name string) (bool, error)
	// Run runs an administration command (useradd, groupadd).
	Run(argv ...string) error
}

// SystemAccounts looks names up with os/user and runs the commands.
type SystemAccounts struct{}

// UserExists looks the user up with os/user.
func (SystemAccounts) UserExists(name string) (bool, error) {
	_, err := user.Lookup(name)
	if err == nil {
		return true, nil
	}
	var unknown user.UnknownUserError
	if errors.As(err, &unknown) {
		return false, nil
	}
	return false, fmt.Errorf("look up user %s: %w", name, err)
}

// GroupExists looks the group up with os/user.
func (SystemAccounts) GroupExists(name string) (bool, error) {
	_, err := user.LookupGroup(name)
	if err == nil {
		return true, nil
	}
	var unknown user.UnknownGroupError
	if errors.As(err, &unknown) {
		return false, nil
	}
	return false, fmt.Errorf("look up group %s: %w", name, err)
}

// Run runs argv and includes its output in the error when it fails.
func (SystemAccounts) Run(argv ...string) error {
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// accountName is what useradd and systemd both accept as a user or group
// name.
var accountName = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,30}$`)

// checkAccountName refuses names that useradd or systemd would not take.
func checkAccountName(kind, name string) error {
	if !accountName.MatchString(name) {
		return fmt.Errorf("%s name %q: want lower-case letters, digits, _ and -, at most 31", kind, name)
	}
	return nil
}

// existingGroups is the part of groups that exists on this system.
func existingGroups(a Accounts, groups []string) ([]string, error) {
	have := []string{}
	for _, g := range groups {
		ok, err := a.GroupExists(g)
		if err != nil {
			return nil, err
		}
		if ok {
			have = append(have, g)
		}
	}
	return have, nil
}

// nologinShells are the shells a system user gets, first found wins.
var nologinShells = []string{"/usr/sbin/nologin", "/sbin/nologin", "/bin/false"}

func nologinShell() string {
	for _, s := range nologinShells {
		if _, err := os.Stat(s); err == nil {
			return s
		}
	}
	return "/bin/false"
}

// EnsureUser creates the service's system user when it does not exist: a
// system account without a login shell or home directory of its own (its
// home is the state directory systemd creates), in its own group (or
// group, created when missing) and in those of groups that exist. A user
// that already exists is left as it is: under systemd the unit's
// SupplementaryGroups give the service the device groups anyway. created
// says whether it ran useradd.
func EnsureUser(a Accounts, name, group string, groups []string) (created bool, err error) {
	if group == "" {
		group = name
	}
	if err := checkAccountName("user", name); err != nil {
		return false, err
	}
	if err := checkAccountName("group", group); err != nil {
		return false, err
	}
	ok, err := a.UserExists(name)
	if err != nil || ok {
		return false, err
	}
	argv := []string{"useradd", "--system", "--no-create-home", "--home-dir", "/var/lib/" + DefaultName,
		"--shell", nologinShell(), "--comment", DefaultDisplayName + " service"}
	switch ok, err := a.GroupExists(group); {
	case err != nil:
		return false, err
	case ok:
		argv = append(argv, "--gid", group)
	case group == name:
		argv = append(argv, "--user-group")
	default:
		if err := a.Run("groupadd", "--system", group); err != nil {
			return false, fmt.Errorf("create group %s: %w", group, err)
		}
		argv = append(argv, "--gid", group)
	}
	have, err := existingGroups(a, groups)
	if err != nil {
		return false, err
	}
	if len(have) > 0 {
		argv = append(argv, "--groups", strings.Join(have, ","))
	}
	argv = append(argv, name)
	if err := a.Run(argv...); err != nil {
		return false, fmt.Errorf("create user %s: %w", name, err)
	}
	return true, nil
}
