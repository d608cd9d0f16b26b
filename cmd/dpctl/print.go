package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// printOptions say how objects are printed.
type printOptions struct {
	format        string // "", "wide", "yaml", "json" or "name"
	single        bool   // one object asked for by name: yaml and json print it, not a List
	withNamespace bool   // a NAMESPACE column (-A)
	now           time.Time
}

// printObjects writes objs of kind k.
func printObjects(w io.Writer, k *kind, objs []store.Object, o printOptions) error {
	for _, obj := range objs {
		setTypeMeta(obj)
	}
	switch o.format {
	case "name":
		for _, obj := range objs {
			fmt.Fprintf(w, "%s/%s\n", k.resource(), obj.GetName())
		}
		return nil
	case "json", "yaml":
		if o.single && len(objs) == 1 {
			return printData(w, o.format, objs[0])
		}
		return printData(w, o.format, newList(objs))
	}
	return printTable(w, k, objs, o)
}

// setTypeMeta sets apiVersion and kind, which a store may leave empty.
func setTypeMeta(obj store.Object) {
	if k := kindOf(obj); k != nil {
		obj.GetObjectKind().SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind(k.Kind))
	}
}

// list is what kubectl prints for several objects in yaml or json.
type list struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Items      []store.Object `json:"items"`
	Metadata   struct {
		ResourceVersion string `json:"resourceVersion"`
	} `json:"metadata"`
}

func newList(objs []store.Object) *list {
	return &list{APIVersion: "v1", Kind: "List", Items: append([]store.Object{}, objs...)}
}

// printData writes v as indented JSON or as YAML.
func printData(w io.Writer, format string, v any) error {
	data, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	if format == "yaml" {
		if data, err = yaml.JSONToYAML(data); err != nil {
			return err
		}
	} else {
		data = append(data, '\n')
	}
	_, err = w.Write(data)
	return err
}

// printTable writes objs as kubectl get does: NAME, the kind's columns,
// NAMESPACE first with -A, the wide columns with -o wide.
func printTable(w io.Writer, k *kind, objs []store.Object, o printOptions) error {
	tw := tabwriter.NewWriter(w, 10, 4, 3, ' ', 0)
	var cols []column
	for _, c := range columnsOf(k) {
		if !c.wide || o.format == "wide" {
			cols = append(cols, c)
		}
	}
	header := []string{"NAME"}
	if o.withNamespace {
		header = append([]string{"NAMESPACE"}, header...)
	}
	for _, c := range cols {
		header = append(header, c.header)
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, obj := range objs {
		row := []string{obj.GetName()}
		if o.withNamespace {
			row = append([]string{obj.GetNamespace()}, row...)
		}
		for _, c := range cols {
			row = append(row, c.value(obj, o.now))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}
