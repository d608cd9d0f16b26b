package v1alpha1

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// LimitErrors returns errs when it has at most MaxReportedErrors errors, and
// otherwise its first MaxReportedErrors errors followed by one that counts
// the others. The Validate functions return limited lists, so that an error
// built from them (such as the API server's Invalid error, whose message
// joins every error) stays small.
func LimitErrors(errs field.ErrorList) field.ErrorList {
	if len(errs) <= MaxReportedErrors {
		return errs
	}
	out := append(errs[:MaxReportedErrors:MaxReportedErrors], &field.Error{
		Type: field.ErrorTypeTooMany, Field: "errors", BadValue: len(errs),
		Detail: fmt.Sprintf("only the first %d problems are listed", MaxReportedErrors),
	})
	return out
}

// ErrorsMessage joins the messages of errs (limited by LimitErrors) with
// "; ", in time linear in their length: a message fit for a failureReason
// once TruncateMessage has cut it.
func ErrorsMessage(errs field.ErrorList) string {
	var b strings.Builder
	for i, e := range LimitErrors(errs) {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// truncatedSuffix ends a message cut by TruncateMessage.
const truncatedSuffix = "... (truncated)"

// TruncateMessage returns s when it has at most MaxMessageLength bytes, and
// otherwise its beginning, cut at a character boundary, followed by
// "... (truncated)", MaxMessageLength bytes at most in all. The engine writes
// every failureReason and event message through it, so a status stays far
// below the API server's request size whatever a tool printed.
func TruncateMessage(s string) string {
	if len(s) <= MaxMessageLength {
		return s
	}
	cut := MaxMessageLength - len(truncatedSuffix)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + truncatedSuffix
}
