package service

import (
	"slices"
	"strings"
	"testing"
)

// fakeAccounts knows some users and groups and records the commands it is
// asked to run.
type fakeAccounts struct {
	users, groups []string
	ran           []string
}

func (f *fakeAccounts) UserExists(name string) (bool, error) {
	return slices.Contains(f.users, name), nil
}
func (f *fakeAccounts) GroupExists(name string) (bool, error) {
	return slices.Contains(f.groups, name), nil
}
func (f *fakeAccounts) Run(argv ...string) error {
	f.ran = append(f.ran, strings.Join(argv, " "))
	return nil
}

func TestEnsureUser(t *testing.T) {
	shell := nologinShell()
	useradd := "useradd --system --no-create-home --home-dir /var/lib/kiosk-agent --shell " + shell + " --comment Kiosk Agent service "
	for _, c := range []struct {
		name          string
		users, groups []string
		user, group   string
		want          []string
	}{
		{"exists", []string{"kiosk-agent"}, nil, "kiosk-agent", "", nil},
		{"new, own group", nil, []string{"dialout", "lp"}, "kiosk-agent", "",
			[]string{useradd + "--user-group --groups dialout,lp kiosk-agent"}},
		{"new, group exists", nil, []string{"kiosk-agent", "dialout", "plugdev", "lp"}, "kiosk-agent", "kiosk-agent",
			[]string{useradd + "--gid kiosk-agent --groups dialout,lp kiosk-agent"}},
		{"new, other group", nil, nil, "kiosk", "kiosks",
			[]string{"groupadd --system kiosks", useradd + "--gid kiosks kiosk"}},
	} {
		f := &fakeAccounts{users: c.users, groups: c.groups}
		created, err := EnsureUser(f, c.user, c.group, DefaultGroups())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if created != (c.want != nil) || !slices.Equal(f.ran, c.want) {
			t.Errorf("%s: created %v, ran\n%q\nwant\n%q", c.name, created, f.ran, c.want)
		}
	}
	for _, bad := range []string{"Kiosk", "kiosk agent", "-x", "", strings.Repeat("k", 40)} {
		f := &fakeAccounts{}
		if _, err := EnsureUser(f, bad, "", nil); err == nil || len(f.ran) > 0 {
			t.Errorf("user %q: %v, ran %q", bad, err, f.ran)
		}
	}
}
