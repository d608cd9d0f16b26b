package drivertest

import (
	"context"
	"testing"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/targets"
)

// HarnessMaker makes the Harness of one subtest (or one benchmark). The
// suite calls it once per subtest and closes the harness when the subtest
// ends, so a harness may give every subtest a fresh backend.
type HarnessMaker func(ctx context.Context, t testing.TB) (Harness, error)

// Harness adapts one driver backend to the suite: backends differ only in
// their harness. A harness for a driver that runs commands makes them run
// (the local driver does it itself; a Job driver's harness plays the kubelet
// and runs the Job's commands on this machine, with the claim mapped to a
// local directory); a harness for a snapshot driver plays the snapshot
// controller and makes its snapshots behave as the suite asks.
type Harness interface {
	// MakeDriver returns the driver under test. The suite calls it once
	// per harness, except for a Restarter.
	MakeDriver(ctx context.Context) (drivers.Driver, error)

	// PrepareTask adapts a task the suite built to the backend before the
	// suite starts it. The suite sets ID, Kind, BackupType, Owner, Labels,
	// Steps (POSIX shell commands), Env, Storage (claim "drivertest",
	// MountPath "/backupdata", Path "drivertest/<task ID>", with a claim
	// template), Snapshot (for snapshot tasks) and Deadline. The harness
	// may set or replace Image, Target, Container, Resources, Volumes,
	// VolumeMounts, Storage.Create and Snapshot.Claims, and must keep the
	// rest; it may also arrange the backend (create the claim, a pod, a
	// secret). Commands write only under BACKUP_DIR and the other
	// directories the suite names under the mount path, and read what
	// earlier tasks of the subtest wrote there, so all the tasks of a
	// harness must see the same claim.
	//
	// b is what the task should do. Command tasks already do it (their
	// commands succeed, fail, or block), so a harness that runs commands
	// may ignore it; a snapshot harness makes the snapshot ready (Succeed),
	// report an error (Fail), or stay not ready (Block).
	PrepareTask(ctx context.Context, task *drivers.Task, b Behaviour) error

	// ReadFile returns the content of the file at name, a slash-separated
	// path relative to the root of claim as the suite's tasks saw it (the
	// task's MountPath). A missing file is an error for which
	// errors.Is(err, fs.ErrNotExist) is true.
	ReadFile(ctx context.Context, claim, name string) ([]byte, error)

	// Close releases the harness's resources. The suite calls it after
	// it cleaned up every task it started.
	Close()
}

// Behaviour is what a task the suite starts should do.
type Behaviour int

const (
	// Succeed: the task does its work and succeeds.
	Succeed Behaviour = iota
	// Fail: the task fails (a command exits non-zero, a snapshot reports
	// an error).
	Fail
	// Block: the task keeps running until it is cancelled or its deadline
	// passes.
	Block
)

// String returns the behaviour's name.
func (b Behaviour) String() string {
	switch b {
	case Succeed:
		return "Succeed"
	case Fail:
		return "Fail"
	case Block:
		return "Block"
	}
	return "Behaviour(?)"
}

// Restarter is implemented by harnesses whose task state outlives a driver
// instance (state on disk, in the API server): the suite then checks that a
// new instance adopts the tasks of the old one, as after an engine restart.
type Restarter interface {
	// RestartDriver stops using the current driver (closing it if it can)
	// and returns a new instance over the same backend state. The suite
	// cleans up its tasks through the new instance before the test's
	// cleanups that RestartDriver registered run, so a harness may make
	// the instance with plugin.TestDriver.
	RestartDriver(ctx context.Context) (drivers.Driver, error)
}

// EngineHarness is implemented by harnesses that need the end-to-end case
// (the engine's executor driving the driver) to use other objects than the
// defaults of EngineSetup.
type EngineHarness interface {
	// EngineSetup returns what the engine case needs from the backend.
	// The suite fills in the zero fields with their defaults.
	EngineSetup(ctx context.Context) (EngineSetup, error)
}

// EngineSetup tunes the end-to-end case.
type EngineSetup struct {
	// Targets resolves the policy's and restore's labelsSelector (which
	// matches Labels). Default: one target "drivertest-0" with Labels and
	// host 127.0.0.1.
	Targets targets.Resolver
	// Labels the selector matches. Default app=drivertest.
	Labels map[string]string
	// Namespace of the objects. Default "drivertest".
	Namespace string
	// Claim is the backup claim's name (createPolicy IfNotPresent).
	// Default "drivertest".
	Claim string
	// Image of the BackupTool. Default "busybox:1.36".
	Image string
}

// Timing is implemented by harnesses whose backend is slower than the
// suite's defaults allow.
type Timing interface {
	// Timeouts returns the suite's waits; zero fields keep their defaults.
	Timeouts() Timeouts
}

// Timeouts are the suite's waits.
type Timeouts struct {
	// Finish bounds the wait for a task to finish. Default 30s.
	Finish time.Duration
	// Prompt bounds what must be prompt: a cancelled task reporting
	// Failed, a call with a cancelled context returning, a task failing
	// after its deadline passed. Default 5s.
	Prompt time.Duration
}
