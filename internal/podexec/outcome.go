package podexec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
)

// logTailSize bounds a task's LogTail.
const logTailSize = 4 << 10

// outcome is how an exec ended, redacted.
type outcome struct {
	phase   drivers.Phase
	code    drivers.Code
	message string
	logTail string
	output  []byte
}

// outcomeOf turns what an exec returned (res, err, and the end of its
// context) into the task's outcome. Every text in it goes through red: the
// log tail and messages as text, a status update's output as decoded JSON.
func outcomeOf(res *Result, err, ctxErr error, red *envvar.Redactor) outcome {
	switch {
	case errors.Is(ctxErr, context.DeadlineExceeded):
		return outcome{phase: drivers.Failed, code: drivers.DeadlineExceeded, message: "the command was still running at the task's deadline"}
	case ctxErr != nil:
		return outcome{phase: drivers.Failed, code: drivers.Canceled, message: "the task was cancelled"}
	case err != nil:
		return outcome{phase: drivers.Failed, code: drivers.ErrorCode(err), message: red.String("pod exec: " + err.Error())}
	case res == nil:
		return outcome{phase: drivers.Failed, code: drivers.Internal, message: "pod exec returned no result"}
	}
	o := outcome{phase: drivers.Succeeded, logTail: red.Log(logTail(res))}
	switch {
	case res.ExitCode != 0:
		o.phase, o.message = drivers.Failed, fmt.Sprintf("exited with status %d", res.ExitCode)
		if last := lastLine(o.logTail); strings.HasPrefix(last, "dataprotection: ") {
			o.message = strings.TrimPrefix(last, "dataprotection: ")
		}
	case res.StdoutTruncated:
		o.phase, o.code = drivers.Failed, drivers.InvalidArgument
		o.message = fmt.Sprintf("standard output is larger than %d bytes", maxOutput)
	default:
		o.output = jsonObject(res.Stdout, red)
	}
	return o
}

// jsonObject returns b, redacted in its decoded form, when it is one JSON
// object; else nil.
func jsonObject(b []byte, red *envvar.Redactor) []byte {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' || !json.Valid(b) {
		return nil
	}
	out, err := red.JSON(b)
	if err != nil {
		return nil
	}
	return out
}

// logTail is the end of an exec's standard error, or of its standard
// output when it wrote nothing on standard error, at most logTailSize and
// cut at a line when it may have been cut (the transport keeps the end).
func logTail(res *Result) string {
	s := bytes.TrimSpace(res.Stderr)
	if len(s) == 0 {
		s = bytes.TrimSpace(res.Stdout)
	}
	if len(s) >= logTailSize {
		s = s[len(s)-logTailSize:]
		if i := bytes.IndexByte(s, '\n'); i >= 0 && i < len(s)-1 {
			s = s[i+1:] // a secret cut in two at the start is not left half visible
		}
	}
	return strings.ToValidUTF8(string(s), "\uFFFD")
}

func lastLine(s string) string {
	return s[strings.LastIndexByte(s, '\n')+1:]
}
