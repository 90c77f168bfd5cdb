package main

func padChecks() {}
