package envvar

import "strings"

// Expand replaces the Kubernetes-style references $(NAME) in s with
// lookup(NAME), as the kubelet does for a container's env and command: "$$"
// is an escaped "$", and a reference whose name lookup does not know is left
// as it is. Drivers that run commands themselves use it to give every
// backend the same semantics.
func Expand(s string, lookup func(name string) (string, bool)) string {
	return scanRefs(s, "$", func(name, raw string) string {
		if v, ok := lookup(name); ok {
			return v
		}
		return raw
	})
}

// Substitute replaces the references $(NAME) in s that lookup knows with
// their values, escaped ("$" becomes "$$"), and keeps everything else as it
// is, "$$" escapes included. The result is still in Kubernetes syntax: one
// final Expand (by a driver, or by the kubelet for a container's env) gives
// what a single expansion of the original would, so references resolved
// early (plain values) and late (secrets) mix without double expansion.
func Substitute(s string, lookup func(name string) (string, bool)) string {
	return scanRefs(s, "$$", func(name, raw string) string {
		if v, ok := lookup(name); ok {
			return Escape(v)
		}
		return raw
	})
}

// Rename renames the references $(NAME) of s whose NAME is a key of names
// to $(names[NAME]), and keeps everything else as it is, "$$" escapes
// included: expanding the result with the renamed variables gives what
// expanding s with the original ones gives.
func Rename(s string, names map[string]string) string {
	if len(names) == 0 {
		return s
	}
	return scanRefs(s, "$$", func(name, raw string) string {
		if to, ok := names[name]; ok {
			return "$(" + to + ")"
		}
		return raw
	})
}

// Escape returns s with every "$" doubled, so that Expand returns s itself.
func Escape(s string) string { return strings.ReplaceAll(s, "$", "$$") }

// scanRefs copies s, writing escaped for each "$$" and ref(name, raw) for
// each reference "$(name)" (raw is the reference as written), as the
// kubelet scans: a "$(" that no ")" closes is copied as it is and the scan
// goes on after it, so a later "$$" is still an escape.
func scanRefs(s, escaped string, ref func(name, raw string) string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteString(escaped)
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString("$(")
				i++
				continue
			}
			b.WriteString(ref(s[i+2:i+2+end], s[i:i+3+end]))
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}
