// Package targets resolves a BackupPolicy's target (a labelsSelector) to the
// database instances the engine backs up and restores: pods in a cluster, or
// instances on this machine when the engine is embedded.
//
// A [Resolver] is what the engine asks; [Static] is a resolver over a fixed
// list, for embedded hosts and tests; [WithReadiness] adds a host's check of
// whether each target serves (drivers.Target.NotReady).
package targets
