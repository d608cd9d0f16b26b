package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
)

// Environment variables that stand for global flags.
const (
	envDB         = "DPCTL_DB"     // --db
	envConfig     = "DPCTL_CONFIG" // --config
	envKubeconfig = "KUBECONFIG"   // --kubeconfig
)

// app is what every command shares: the streams and the global flags.
type app struct {
	in          io.Reader
	out, errOut io.Writer
	env         func(string) string

	kubeconfig    string
	kubeContext   string
	namespace     string
	allNamespaces bool
	db            string
	config        string
	timeout       time.Duration
	verbose       bool
}

// commands are the constructors of the top-level commands. Each command's
// file adds its own with register, so adding a command is adding a file.
var commands []func(*app) *cobra.Command

// register adds a top-level command; its files call it as
// `var _ = register(newXCmd)`.
func register(newCmd func(*app) *cobra.Command) struct{} {
	commands = append(commands, newCmd)
	return struct{}{}
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "dpctl",
		Short:         "Operate dataprotection backups: get, describe, create, restore, delete, logs",
		Long:          helpText(rootHelpFile),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          unknownSubcommand,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	addGlobalFlags(root, a)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	for _, newCmd := range commands {
		root.AddCommand(newCmd(a))
	}
	return root
}

func addGlobalFlags(root *cobra.Command, a *app) {
	f := root.PersistentFlags()
	f.StringVar(&a.kubeconfig, "kubeconfig", "", "kubeconfig file of the cluster (default $KUBECONFIG or ~/.kube/config)")
	f.StringVar(&a.kubeContext, "context", "", "kubeconfig context to use")
	f.StringVarP(&a.namespace, "namespace", "n", "", "namespace (default: the context's, else \"default\")")
	f.BoolVarP(&a.allNamespaces, "all-namespaces", "A", false, "list objects of every namespace")
	f.StringVar(&a.db, "db", "", "bolt database file of the embedded store (default $"+envDB+")")
	f.StringVar(&a.config, "config", "", "dpctl.yaml: local targets, storage and secrets for embedded work (default $"+envConfig+")")
	f.BoolVarP(&a.verbose, "verbose", "v", false, "print the log lines of the engine dpctl runs for a bolt file")
	f.DurationVar(&a.timeout, "timeout", 0, "give up after this long, such as 30s or 10m (0: no limit)")
}

// unknownSubcommand is the Args of a command that only groups others: any
// argument names a command that does not exist.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	}
	return usageError{errors.New(msg)}
}

// withBackend opens the backend the flags select, runs f under --timeout and
// closes the backend.
func (a *app) withBackend(cmd *cobra.Command, o openOptions, f func(ctx context.Context, be backend) error) error {
	ctx, cancel := a.context(cmd)
	defer cancel()
	be, err := a.openBackend(ctx, o)
	if err != nil {
		return a.explain(ctx, err)
	}
	defer be.Close()
	return a.explain(ctx, f(ctx, be))
}

// context is the command's context, bounded by --timeout.
func (a *app) context(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	if a.timeout > 0 {
		return context.WithTimeout(cmd.Context(), a.timeout)
	}
	return context.WithCancel(cmd.Context())
}

// explain rewrites an error caused by the end of ctx into what ended it.
func (a *app) explain(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out after %s (--timeout): %w", a.timeout, err)
	}
	return fmt.Errorf("interrupted: %w", err)
}
