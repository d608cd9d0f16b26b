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
//
// It knows which variables hold a secret's value (read from a secret, or
// expanded from such a variable), for ExpandCommand.
type Env struct {
	names  []string
	values map[string]string
	secret map[string]bool
}

func newEnv() *Env { return &Env{values: map[string]string{}, secret: map[string]bool{}} }

// set defines name with a value that holds no secret.
func (e *Env) set(name, value string) {
	if _, ok := e.values[name]; !ok {
		e.names = append(e.names, name)
	}
	e.values[name] = value
	delete(e.secret, name)
}

// setSecret defines name with a secret's value.
func (e *Env) setSecret(name, value string) {
	e.set(name, value)
	e.secret[name] = true
}

// setExpanded defines name with value's references expanded; it holds a
// secret when a reference it expanded does.
func (e *Env) setExpanded(name, value string) {
	tainted := false
	expanded := Expand(value, func(n string) (string, bool) {
		v, ok := e.values[n]
		tainted = tainted || ok && e.secret[n]
		return v, ok
	})
	e.set(name, expanded)
	if tainted {
		e.secret[name] = true
	}
}

// ExpandCommand expands the $(VAR) references of a command as Expand
// does, except those to variables that hold a secret's value, which
// become the shell's "${VAR}" (see Protect): the command's text, which is
// in the argv of `sh -c`, never holds a secret, which the shell takes from
// the environment. An InvalidArgument error when such a variable's name
// is not one the shell can expand.
func (e *Env) ExpandCommand(command string) (string, error) {
	protected, err := Protect(command, func(name string) bool { return e.secret[name] })
	return Expand(protected, e.Lookup), err
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
	return &Env{names: append([]string(nil), e.names...), values: maps.Clone(e.values), secret: maps.Clone(e.secret)}
}
