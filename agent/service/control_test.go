package service

import (
	"strings"
	"testing"
)

func TestControlUnknownAction(t *testing.T) {
	err := Control("frobnicate", Options{Accounts: &fakeAccounts{}})
	if err == nil || !strings.Contains(err.Error(), "unknown action") {
		t.Fatalf("Control(frobnicate): %v", err)
	}
}
