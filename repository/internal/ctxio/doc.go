// Package ctxio makes readers stop when a context ends, for the backends of
// package repository.
package ctxio
