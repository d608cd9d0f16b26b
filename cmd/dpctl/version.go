package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

var _ = register(newVersionCmd)

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of dpctl and the API it speaks",
		Args:  args(0, 0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(a.out, "dpctl %s (%s, %s/%s)\nAPI: %s\n", version(), runtime.Version(),
				runtime.GOOS, runtime.GOARCH, v1alpha1.SchemeGroupVersion)
			return nil
		},
	}
}

// version is the module version dpctl was built from, with the commit when
// the build recorded it.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
		if s.Key == "vcs.modified" && s.Value == "true" {
			v += "+dirty"
		}
	}
	return v
}
