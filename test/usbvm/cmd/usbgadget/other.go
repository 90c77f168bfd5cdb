//go:build !linux

package main

import "errors"

func run(string, []string) error { return errors.New("USB gadgets need Linux") }
