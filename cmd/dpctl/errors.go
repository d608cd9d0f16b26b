package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// usageError is a wrong command line: an unknown command, kind, flag or
// flag value, or the wrong number of arguments. It exits with exitUsage.
type usageError struct{ err error }

// Error is the message of the wrapped error.
func (e usageError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e usageError) Unwrap() error { return e.err }

// usageErrorf returns a usageError with a formatted message.
func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// reportError prints err for a person and returns the exit code.
func reportError(w io.Writer, cmd *cobra.Command, err error) int {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			fmt.Fprintf(w, "Error: %v\n", e)
		}
	} else {
		fmt.Fprintf(w, "Error: %v\n", err)
	}
	if !isUsage(err) {
		return exitError
	}
	if cmd != nil {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return exitUsage
}

// isUsage reports whether err is a usage error. Cobra reports an unknown
// command below the root with an untyped error; it is recognised by its
// text.
func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u) || strings.HasPrefix(err.Error(), "unknown command ")
}

// args returns a cobra.PositionalArgs that wants between min and max
// arguments (max < 0: no limit), described as what for the error message.
func args(min, max int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || (max >= 0 && len(args) > max) {
			return usageErrorf("%s wants %s, got %d argument(s): %q", cmd.CommandPath(), what, len(args), args)
		}
		return nil
	}
}
