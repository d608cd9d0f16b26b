// Package repository stores backup data outside the machine that made it:
// a small streaming SPI (Backend) with implementations in subpackages, a
// portable type above it (Repository), and the backup pipeline written once
// above the SPI.
//
// # Backends
//
// A Backend maps keys to byte streams: Put from a reader of unknown length,
// visible only once complete; Get; Stat; List by prefix, paged; Delete,
// idempotent. Package fs stores objects in a directory (the embedded
// default), package memory in memory (for tests of host programs), package
// s3 in S3-compatible object storage. Package repotest is the conformance
// suite every Backend passes. Package repourl opens a Repository from a
// URL such as s3://bucket/prefix?endpoint=host:9000 and the environment.
//
// # Keys
//
// Keys are relative slash-separated paths ("ns/backup/data/base.tar").
// ValidateKey refuses empty, absolute and over-long keys, empty, "." and
// ".." segments, backslashes and control characters with InvalidArgument.
// Repository checks every key once, before its Backend sees it.
//
// # Errors
//
// Every error a Repository returns carries a code from package drivers
// (the same closed set the driver SPI uses; drivers.ErrorCode reads it):
// NotFound for a missing object or backup, InvalidArgument for a bad key,
// name or option, PermissionDenied for rejected credentials and for an age
// identity that matches none of a backup's recipients, Unavailable for an
// unreachable endpoint, FailedPrecondition for a misconfigured repository
// (missing bucket or directory) and for stored data that does not match
// its manifest — corrupted, truncated, tampered with. There is no DataLoss
// code: FailedPrecondition is terminal, which is what corrupted data needs
// (retrying cannot fix it); errors.Is(err, ErrCorrupt) tells corruption
// apart. Errors name the repository, the operation and the key, never a
// credential or an identity.
//
// # Backups
//
// A backup is a set of named objects under a backup key plus a manifest,
// written last, at <backup key>/manifest.json: the backup exists once its
// manifest does. A BackupWriter streams each object through zstd
// compression, then age encryption to X25519 recipients (public keys only:
// the writer cannot decrypt), then sha256 of the stored bytes, into the
// Backend, with memory bounded whatever the size. PushDir does this for a
// directory tree (a tool's staging BACKUP_DIR); PullDir downloads it back.
//
// Reading verifies. OpenBackup checks the manifest (and its checksum, when
// the caller recorded it); Backup.Open hashes while it streams and reports
// a mismatch at the end of the object, after the bytes before it were
// returned. A restore that must not touch its target when data is corrupt
// therefore calls Verify first, which re-reads every object and checks it
// against the manifest (stored size and sha256 without an identity, also
// the logical size and sha256 with one), and only then writes.
package repository
