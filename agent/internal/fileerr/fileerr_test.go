package fileerr

import "testing"

func TestFormatAndOrder(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "a.toml", Line: 7, Key: "log.level", Msg: "bad"}, "a.toml:7: log.level: bad"},
		{Error{File: "a.toml", Key: "log.level", Msg: "bad"}, "a.toml: log.level: bad"},
		{Error{Line: 7, Key: "log.level", Msg: "bad"}, "line 7: log.level: bad"},
		{Error{Key: "log.level", Msg: "bad"}, "log.level: bad"},
		{Error{File: "a.toml", Line: 3, Msg: "not valid TOML"}, "a.toml:3: not valid TOML"},
		{Error{File: "--log-level", Key: "log.level", Msg: "bad"}, "--log-level: log.level: bad"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.e, got, tc.want)
		}
	}
	errs := Errors{{Line: 9, Msg: "b"}, {Msg: "c"}, {Line: 2, Msg: "a"}, {Line: 2, Msg: "a2"}}
	if got := errs.Err().Error(); got != "line 2: a\nline 2: a2\nline 9: b\nc" {
		t.Errorf("Errors: %q", got)
	}
	if Errors(nil).Err() != nil {
		t.Error("no Errors is not nil")
	}
}
