package drivers

import (
	"strings"
	"unicode/utf8"
)

// MaxOutputStart bounds TaskStatus.OutputStart: the start of a task's
// standard output that messages quote when it is not a usable JSON object.
const MaxOutputStart = 200

// OutputStartOf returns what TaskStatus.OutputStart reports of a standard
// output that begins with start: start without leading white space,
// redacted by redact (nil: nothing to redact; drivers pass their
// envvar-style redactor of the task's secret values) before it is cut to
// MaxOutputStart bytes at a character boundary, with invalid UTF-8
// dropped. Redacting first means that a secret value cut in two is still
// hidden.
func OutputStartOf(start []byte, redact func(string) string) string {
	s := strings.TrimLeft(string(start), " \t\r\n")
	if redact != nil {
		s = redact(s)
	}
	if len(s) > MaxOutputStart {
		cut := MaxOutputStart
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return strings.ToValidUTF8(s, "")
}
