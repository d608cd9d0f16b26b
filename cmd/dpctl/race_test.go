//go:build race

package main

// raceEnabled builds the tested dpctl with the race detector too.
const raceEnabled = true
