//go:build !unix

package main

// setReceiveBuffer leaves the system's buffer: the slow-client test then
// needs a larger call log to stall the exports.
func setReceiveBuffer(fd uintptr, n int) error { return nil }
