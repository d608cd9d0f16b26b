package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/dpsdk/dataprotection/bench"
)

// The measurements whose memory, CPU or allocations are measured run in a
// process of their own: this binary again, with -child naming the
// measurement and -child-args its JSON arguments; it prints its result as
// JSON on standard output.

// childArgs are the arguments of every child.
type childArgs struct {
	Kubeconfig string                 `json:",omitempty"`
	Scheduler  bench.SchedulerOptions `json:",omitzero"`
	Cron       bench.CronOptions      `json:",omitzero"`
	Memory     bench.MemoryOptions    `json:",omitzero"`
	Retention  struct{ Backups, Policies int }
	DataPath   struct {
		Dir  string
		Size int64
		Runs int
	}
	PluginMode string `json:",omitempty"`
}

// children are the measurements a child can run.
var children = map[string]func(ctx context.Context, a childArgs) (any, error){
	"scheduler": func(ctx context.Context, a childArgs) (any, error) { return bench.Scheduler(ctx, a.Scheduler) },
	"cron":      func(ctx context.Context, a childArgs) (any, error) { return bench.RobfigCron(ctx, a.Cron) },
	"retention": func(_ context.Context, a childArgs) (any, error) {
		backups, policies := bench.RetentionData(a.Retention.Backups, a.Retention.Policies)
		return bench.Retention(backups, policies), nil
	},
	"plugin": func(ctx context.Context, a childArgs) (any, error) {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		return bench.PluginRoundTrip(ctx, a.PluginMode, exe)
	},
	"datapath": childDataPath,
	"memory-engine": func(ctx context.Context, a childArgs) (any, error) {
		return withCluster(a, func(c *bench.Cluster) (any, error) { return bench.MemoryEngine(ctx, c, a.Memory) })
	},
	"memory-informers": func(ctx context.Context, a childArgs) (any, error) {
		return withCluster(a, func(c *bench.Cluster) (any, error) { return bench.MemoryInformers(ctx, c) })
	},
	"memory-idle": func(ctx context.Context, a childArgs) (any, error) {
		return withCluster(a, func(c *bench.Cluster) (any, error) { return bench.MemoryIdle(ctx, c) })
	},
}

func withCluster(a childArgs, f func(*bench.Cluster) (any, error)) (any, error) {
	c, err := bench.ClusterFromKubeconfig(a.Kubeconfig)
	if err != nil {
		return nil, err
	}
	return f(c)
}

// childDataPath generates the data once and measures Runs runs, after a
// first run that is not kept (it brings the page cache to the state the
// others find).
func childDataPath(ctx context.Context, a childArgs) (any, error) {
	p, err := bench.NewDataPath(ctx, a.DataPath.Dir, a.DataPath.Size)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	var out []bench.DataPathResult
	for i := range a.DataPath.Runs + 1 {
		r, err := p.Run(ctx, i)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// runChild runs measurement name in this process and prints its result.
func runChild(ctx context.Context, name, args string) error {
	f, ok := children[name]
	if !ok {
		return fmt.Errorf("unknown child %q", name)
	}
	var a childArgs
	if err := json.Unmarshal([]byte(args), &a); err != nil {
		return fmt.Errorf("child %s: arguments: %w", name, err)
	}
	res, err := f(ctx, a)
	if err != nil {
		return fmt.Errorf("child %s: %w", name, err)
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// child runs measurement name in a new process and decodes its result into
// out.
func child(ctx context.Context, name string, a childArgs, timeout time.Duration, out any) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	data, err := json.Marshal(a)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-child", name, "-child-args", string(data))
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return json.Unmarshal(stdout.Bytes(), out)
}
