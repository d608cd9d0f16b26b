package envvar

import "maps"

// Var is one resolved variable.
type Var struct {
	// Name of the variable.
	Name string
	// Value of the variable, final: references expanded, sources read.
	Value string
}

// Env is a resolved environment: variables in the order they were first
// defined (a later definition replaces the value in place, as the
// kubelet's does).
type Env struct {
	names  []string
	values map[string]string
}

func newEnv() *Env { return &Env{values: map[string]string{}} }

// set defines name.
func (e *Env) set(name, value string) {
	if _, ok := e.values[name]; !ok {
		e.names = append(e.names, name)
	}
	e.values[name] = value
}

// Lookup returns the value of name and whether it is defined.
func (e *Env) Lookup(name string) (string, bool) {
	v, ok := e.values[name]
	return v, ok
}

// Vars returns the variables in order.
func (e *Env) Vars() []Var {
	out := make([]Var, len(e.names))
	for i, n := range e.names {
		out[i] = Var{Name: n, Value: e.values[n]}
	}
	return out
}

// Environ returns the variables as NAME=value strings, in order.
func (e *Env) Environ() []string {
	out := make([]string, len(e.names))
	for i, n := range e.names {
		out[i] = n + "=" + e.values[n]
	}
	return out
}

// Expand expands the $(VAR) references of s with the variables of e, as the
// kubelet expands a container's command and args.
func (e *Env) Expand(s string) string { return Expand(s, e.Lookup) }

// clone returns a copy of e that can be extended without changing e.
func (e *Env) clone() *Env {
	return &Env{names: append([]string(nil), e.names...), values: maps.Clone(e.values)}
}
