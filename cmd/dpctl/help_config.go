package main

import "github.com/spf13/cobra"

var _ = register(newConfigHelp)

func newConfigHelp(*app) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "The config file of embedded work (--config, DPCTL_CONFIG)",
		Long:  helpText(configHelpFile),
	}
}
