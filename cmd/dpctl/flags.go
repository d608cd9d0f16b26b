package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// enumFlag is a string flag that accepts only the values of a set, so a
// wrong value is a usage error when the command line is parsed.
type enumFlag struct {
	value   string
	allowed []string
}

var _ pflag.Value = (*enumFlag)(nil)

func newEnumFlag(def string, allowed ...string) *enumFlag {
	return &enumFlag{value: def, allowed: allowed}
}

// String is the value.
func (f *enumFlag) String() string { return f.value }

// Type is what help shows as the value's type.
func (f *enumFlag) Type() string { return "string" }

// Set accepts one of the allowed values.
func (f *enumFlag) Set(s string) error {
	if !slices.Contains(f.allowed, s) {
		return fmt.Errorf("must be one of %s", strings.Join(f.allowed, ", "))
	}
	f.value = s
	return nil
}

// selectorFlag gathers label selectors ("k=v", "k in (a,b)", "!k") from
// repeated flags; each is checked when it is parsed.
type selectorFlag struct{ parts []string }

var _ pflag.Value = (*selectorFlag)(nil)

// String is the selectors joined by commas: their conjunction.
func (f *selectorFlag) String() string { return strings.Join(f.parts, ",") }

// Type is what help shows as the value's type.
func (f *selectorFlag) Type() string { return "selector" }

// Set checks and adds one selector.
func (f *selectorFlag) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("empty label selector")
	}
	if _, err := metav1.ParseToLabelSelector(s); err != nil {
		return err
	}
	f.parts = append(f.parts, s)
	return nil
}

// selector is the conjunction of every selector given; nil when none was.
func (f *selectorFlag) selector() (*metav1.LabelSelector, error) {
	if len(f.parts) == 0 {
		return nil, nil
	}
	return metav1.ParseToLabelSelector(f.String())
}

// outputFlag is -o: a table, a wide table, yaml, json or names.
func outputFlag(fs *pflag.FlagSet) *enumFlag {
	f := newEnumFlag("", "wide", "yaml", "json", "name")
	fs.VarP(f, "output", "o", "output format: wide, yaml, json or name (default: a table)")
	return f
}
