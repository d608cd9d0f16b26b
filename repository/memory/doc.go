// Package memory is a repository.Backend that keeps objects in memory, for
// the tests of host programs and for examples (go-cloud's memblob). Objects
// are lost when the process ends.
//
//	repo := repository.New(memory.New(), "mem://")
package memory
