package main

import (
	_ "embed"
	"strings"
)

// The long help texts are files in help/, edited as prose: the root
// command's, "dpctl help config" (the config file of embedded work) and
// "dpctl help repository" (how the repository commands find a repository).
var (
	//go:embed help/root.txt
	rootHelpFile string
	//go:embed help/config.txt
	configHelpFile string
	//go:embed help/repository.txt
	repositoryHelpFile string
)

// helpText is an embedded help file without its final newline.
func helpText(file string) string { return strings.TrimRight(file, "\n") }
