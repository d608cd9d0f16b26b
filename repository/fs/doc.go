// Package fs is a repository.Backend that stores each object as a file
// under a root directory: the embedded default.
//
// An object's key is its path relative to the root. Put writes to a
// temporary file in the object's directory (named with the reserved prefix
// ".dp-tmp-", which keys may not use and listings skip), syncs it, renames
// it over the key and syncs the directory, so a reader sees the old object
// or the new one, never part of one, and a crash leaves at most a
// temporary file. Every access goes through an os.Root: no key, symbolic
// link or rename reaches outside the root. Files are created 0600 and
// directories 0700; Delete removes directories it leaves empty.
//
// A directory cannot be an object: where S3 allows both "a" and "a/b",
// fs fails the second Put with FailedPrecondition.
package fs
