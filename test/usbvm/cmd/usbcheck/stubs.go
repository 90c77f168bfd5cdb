package main

func printerChecks() {}
func padChecks()     {}
