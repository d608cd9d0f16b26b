// Package memory is a store.Store that keeps its objects in memory: for
// tests, examples and programs whose state may vanish with the process.
//
// It keeps every rule of package store, through the code it shares with
// store/bolt: system fields, API defaults, validation, resourceVersion
// conflicts, the status subresource, finalizers and ordered watch events.
// A watcher that falls more than Options.WatchBuffer events behind has its
// channel closed, and must list and watch again.
//
//	s := memory.New(memory.Options{})
//	defer s.Close()
//	b, err := s.Backups().Create(ctx, backup)
package memory
