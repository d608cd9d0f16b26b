package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/dpsdk/dataprotection/store"
)

var _ = register(newDescribeCmd)

func newDescribeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "describe KIND NAME...",
		Short: "Show an object in detail: its spec, status, failure reason and events",
		Long: `Show objects in detail: metadata, a summary of the spec, the status with its failure
reason, and the events the backend recorded about them (a cluster keeps Events; a bolt file
keeps none: dpctl prints the engine's events while it waits).

Kinds: ` + kindList() + `.`,
		Example: `  dpctl describe backup db-datafile-x7k2p
  dpctl describe policy db`,
		Args: args(1, -1, "KIND NAME... or KIND/NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, names, err := namedArgs(args, "describe")
			if err != nil {
				return err
			}
			return a.withBackend(cmd, openOptions{}, func(ctx context.Context, be backend) error {
				return forEachName(names, func(i int, name string) error {
					if i > 0 {
						fmt.Fprintln(a.out)
					}
					return a.describe(ctx, be, k, name)
				})
			})
		},
	}
}

func (a *app) describe(ctx context.Context, be backend, k *kind, name string) error {
	obj, err := getObject(ctx, be, k, a.namespaceFor(be, k), name)
	if err != nil {
		return err
	}
	events, kept, err := be.Events(ctx, obj)
	if err != nil {
		return err
	}
	d := newDescriber(a.out, time.Now())
	d.meta(k, obj)
	describeObject(d, obj)
	d.events(events, kept)
	return d.flush()
}

// describer writes "Label:  value" lines, aligned, indented by section.
type describer struct {
	w   *tabwriter.Writer
	now time.Time
}

func newDescriber(w io.Writer, now time.Time) *describer {
	return &describer{w: tabwriter.NewWriter(w, 0, 8, 2, ' ', 0), now: now}
}

func (d *describer) flush() error { return d.w.Flush() }

// line writes a label and its value at an indentation level.
func (d *describer) line(level int, label string, value any) {
	fmt.Fprintf(d.w, "%s%s:\t%v\n", strings.Repeat("  ", level), label, value)
}

// opt writes a line only when its value is not empty.
func (d *describer) opt(level int, label, value string) {
	if value != "" {
		d.line(level, label, value)
	}
}

// section starts a section.
func (d *describer) section(level int, title string) {
	fmt.Fprintf(d.w, "%s%s:\n", strings.Repeat("  ", level), title)
}

// list writes a labelled list, one item a line.
func (d *describer) list(level int, label string, items []string) {
	if len(items) == 0 {
		return
	}
	d.section(level, label)
	for _, it := range items {
		fmt.Fprintf(d.w, "%s%s\n", strings.Repeat("  ", level+1), it)
	}
}

// time writes a timestamp with its age.
func (d *describer) time(level int, label string, t *metav1.Time) {
	if t != nil && !t.IsZero() {
		d.line(level, label, fmt.Sprintf("%s (%s ago)", timestamp(t), duration.HumanDuration(d.now.Sub(t.Time))))
	}
}

func (d *describer) meta(k *kind, obj store.Object) {
	d.line(0, "Name", obj.GetName())
	if k.namespaced {
		d.line(0, "Namespace", obj.GetNamespace())
	}
	d.line(0, "Kind", k.Kind)
	d.line(0, "Labels", keyValues(obj.GetLabels()))
	d.line(0, "Annotations", keyValues(obj.GetAnnotations()))
	created := obj.GetCreationTimestamp()
	d.time(0, "Created", &created)
	if t := obj.GetDeletionTimestamp(); t != nil {
		d.time(0, "Deleting since", t)
	}
	d.opt(0, "Finalizers", strings.Join(obj.GetFinalizers(), ", "))
}

func (d *describer) events(events []event, kept bool) {
	switch {
	case !kept:
		d.line(0, "Events", "<not kept by a bolt file: dpctl --wait prints them as they happen>")
		return
	case len(events) == 0:
		d.line(0, "Events", "<none>")
		return
	}
	d.section(0, "Events")
	fmt.Fprintln(d.w, "  Type\tReason\tAge\tCount\tMessage")
	fmt.Fprintln(d.w, "  ----\t------\t---\t-----\t-------")
	for _, e := range events {
		fmt.Fprintf(d.w, "  %s\t%s\t%s\t%d\t%s\n", e.Type, e.Reason, duration.HumanDuration(d.now.Sub(e.Last)), e.Count, e.Message)
	}
}

// keyValues prints a map as sorted k=v lines; "<none>" when empty.
func keyValues(m map[string]string) string {
	if len(m) == 0 {
		return "<none>"
	}
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, "\n\t")
}
