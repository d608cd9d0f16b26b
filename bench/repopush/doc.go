// Package repopush is figure 7 of the benchmarks, repository push: a
// pg_dump-like file (repotest.DumpLike, compressing about 3.6 times) pushed
// through the repository pipeline (zstd, age to one X25519 recipient,
// sha256 of stored and logical bytes, multipart upload of unknown length,
// manifest) to a real S3 server, against minio-go's PutObject of the same
// raw bytes (known size, the library's defaults).
//
// Each push runs in a process of its own (bench/cmd/repopush re-executes
// itself), so that its peak RSS (VmHWM) is the push's alone. The package
// imports only the repository and minio-go, so that the pushing process
// is as small as a host's tool would be, not the size of the whole engine.
package repopush
