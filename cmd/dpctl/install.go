package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

var _ = register(newInstallCmd)

func newInstallCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "install DIR",
		Short: "Copy this dpctl binary into DIR (the Job driver's tools init container)",
		Long: `Copy the running dpctl binary to DIR/dpctl, executable. The Job driver runs
"<tools image's dpctl> install /dataprotection/bin" in an init container to bring dpctl into a
Job's pod through an emptyDir, whatever the tool's image; the image needs nothing else.`,
		Args:   args(1, 1, "DIR"),
		Hidden: true,
		RunE: func(_ *cobra.Command, args []string) error {
			return install(args[0])
		},
	}
}

// install copies the executable to dir/dpctl, through a temporary file.
func install(dir string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this binary: %w", err)
	}
	src, err := os.Open(exe)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".dpctl-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, src)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o755)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, "dpctl"))
	}
	return err
}
