// Package repourl opens a repository from a URL and the environment, as
// dpctl and other command-line hosts do:
//
//	s3://bucket/prefix?endpoint=127.0.0.1:9000&region=us-east-1&insecure=true&path-style=true
//	file:///var/lib/backups
//	mem://
//
// Query parameters of s3 URLs: endpoint (host[:port]; s3.amazonaws.com
// when absent), region, path-style (true for path-style addressing),
// insecure (true for plain HTTP), ca-file (a PEM bundle to trust instead of
// the system's), part-size (bytes per multipart part). Every URL accepts
// compression (zstd or none) and level (1 to 4). An unknown parameter is an
// error, so a typo never silently falls back to a default. Credentials
// never go in the URL (one with a user or password is refused); they come
// from the environment:
//
//	AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//	                             static S3 credentials
//	DP_REPOSITORY                the URL, for hosts that read it there
//	DP_REPOSITORY_RECIPIENTS     age public keys (age1...), separated by
//	                             commas, spaces or newlines: backups are
//	                             encrypted to them
//	DP_REPOSITORY_IDENTITY       age secret keys (AGE-SECRET-KEY-1...),
//	                             one per line: restores decrypt with them
//	DP_REPOSITORY_IDENTITY_FILE  a file of age secret keys, as written by
//	                             age-keygen (lines starting with # ignored)
//
// A backup host sets only the recipients; the identity goes to restores.
// No error of this package contains a secret key or credential.
package repourl
