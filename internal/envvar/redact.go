package envvar

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
)

// Redacted replaces a secret value in what a task printed.
const Redacted = "[REDACTED]"

// Redactor replaces secret values. It works on decoded values: in JSON it
// decodes the document and redacts every string, key and number, so the
// result is always valid JSON. In text (a log) it replaces each value as it
// is, and also as JSON encoders escape it (Go's, and the ASCII-only form of
// Python's and jq -a's, \u00f6 for ö), so a value with a quote, a
// backslash, a control character or non-ASCII printed inside JSON is found.
// The zero value, and nil, redact nothing.
type Redactor struct {
	// values are the secret values and their JSON-escaped forms, longest
	// first, so that a value that contains another is replaced whole.
	values []string
}

// NewRedactor returns a Redactor of values; empty values are ignored.
func NewRedactor(values ...string) *Redactor {
	seen := map[string]bool{}
	r := &Redactor{}
	for _, v := range values {
		for _, form := range []string{v, jsonEscaped(v), asciiEscaped(jsonEscaped(v))} {
			if form != "" && !seen[form] {
				seen[form] = true
				r.values = append(r.values, form)
			}
		}
	}
	sort.Slice(r.values, func(i, j int) bool { return len(r.values[i]) > len(r.values[j]) })
	return r
}

// jsonEscaped is v as it appears between the quotes of a JSON string.
func jsonEscaped(v string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	s := strings.TrimSuffix(b.String(), "\n")
	return s[1 : len(s)-1]
}

// asciiEscaped is s with every non-ASCII character escaped as JSON's
// \uXXXX (lowercase hex; a UTF-16 surrogate pair above U+FFFF).
func asciiEscaped(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c < utf8.RuneSelf:
			b.WriteRune(c)
		case c > 0xFFFF:
			r1, r2 := utf16.EncodeRune(c)
			fmt.Fprintf(&b, "\\u%04x\\u%04x", r1, r2)
		default:
			fmt.Fprintf(&b, "\\u%04x", c)
		}
	}
	return b.String()
}

// Longest is the length of the longest text the Redactor replaces; a
// caller that cuts text (a log tail) keeps that much more before
// redacting, so that a value cut in two is still found.
func (r *Redactor) Longest() int {
	if r == nil || len(r.values) == 0 {
		return 0
	}
	return len(r.values[0])
}

// Holds reports whether s contains a secret value.
func (r *Redactor) Holds(s string) bool {
	if r == nil {
		return false
	}
	for _, v := range r.values {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

// String returns s with every secret value replaced by Redacted.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, Redacted)
	}
	return s
}

// Log returns text made of lines (a log) with every secret value
// redacted: a line that is one JSON object or array is redacted in its
// decoded form (so any escape of the value is found), any other line as
// text.
func (r *Redactor) Log(s string) string {
	if r == nil || len(r.values) == 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if t := strings.TrimSpace(l); len(t) > 1 && (t[0] == '{' || t[0] == '[') {
			if out, err := r.JSON([]byte(t)); err == nil {
				lines[i] = r.String(string(out))
				continue
			}
		}
		lines[i] = r.String(l)
	}
	return strings.Join(lines, "\n")
}

// JSON returns the JSON document data with every secret value redacted in
// its decoded strings and object keys; a number that holds a secret value
// becomes the string Redacted. A document with nothing to redact is
// returned as it is; a redacted one as compact JSON. An error means that
// data is not one JSON value.
func (r *Redactor) JSON(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("envvar: more than one JSON value")
	}
	w := &walker{r: r}
	v = w.value(v)
	if !w.changed {
		return data, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// walker redacts a decoded JSON value and notes whether it changed it.
type walker struct {
	r       *Redactor
	changed bool
}

func (w *walker) string(s string) string {
	out := w.r.String(s)
	w.changed = w.changed || out != s
	return out
}

// value redacts one decoded JSON value.
func (w *walker) value(v any) any {
	switch x := v.(type) {
	case string:
		return w.string(x)
	case json.Number:
		if w.r.Holds(string(x)) {
			w.changed = true
			return Redacted
		}
		return x
	case []any:
		for i := range x {
			x[i] = w.value(x[i])
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[w.string(k)] = w.value(e)
		}
		return out
	}
	return v
}

// RedactorOf returns the Redactor of the values of the secrets that env
// and envFrom reference (the key of each secretKeyRef, every key of an
// envFrom secret), read through sources: what a runner that leaves the
// variables to the kubelet (the Job driver) hides in what the container
// printed. A secret that does not exist is skipped (its values are
// unknown); other errors are returned.
func RedactorOf(ctx context.Context, sources Sources, env []corev1.EnvVar, envFrom []corev1.EnvFromSource) (*Redactor, error) {
	read := map[string]map[string][]byte{}
	secret := func(name string) (map[string][]byte, error) {
		data, ok := read[name]
		if !ok {
			var err error
			if data, err = sources.Secret(ctx, name); err != nil && !drivers.IsNotFound(err) {
				return nil, err
			}
			read[name] = data
		}
		return data, nil
	}
	var values []string
	for _, v := range env {
		if v.ValueFrom != nil && v.ValueFrom.SecretKeyRef != nil {
			data, err := secret(v.ValueFrom.SecretKeyRef.Name)
			if err != nil {
				return nil, err
			}
			values = append(values, string(data[v.ValueFrom.SecretKeyRef.Key]))
		}
	}
	for _, src := range envFrom {
		if src.SecretRef != nil {
			data, err := secret(src.SecretRef.Name)
			if err != nil {
				return nil, err
			}
			for _, v := range data {
				values = append(values, string(v))
			}
		}
	}
	return NewRedactor(values...), nil
}
