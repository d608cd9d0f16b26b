// Package shell writes values into POSIX shell text safely: one quoting
// (Quote), one test of what the shell can name (IsName), and one way of
// handing a shell an environment without putting values in any argv
// (Exports, which a shell evaluates from standard input or a 0600 file).
// The drivers that generate shell (the Job driver's script, the local
// driver's supervisor, pod exec) use nothing else.
package shell
