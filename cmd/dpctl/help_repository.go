package main

import "github.com/spf13/cobra"

var _ = register(newRepositoryHelp)

func newRepositoryHelp(*app) *cobra.Command {
	return &cobra.Command{
		Use:   "repository",
		Short: "How the repository commands find a repository (DP_REPOSITORY and credentials)",
		Long:  helpText(repositoryHelpFile),
	}
}
