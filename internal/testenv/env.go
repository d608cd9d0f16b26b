package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/dpsdk/dataprotection/internal/testenv/internal/harness"
)

// BinDirEnv is the environment variable that names the directory holding the
// executables etcd, kube-apiserver and kube-controller-manager (and the S3
// server of package s3env); hack/testenv-binaries.sh prints it.
const BinDirEnv = harness.BinDirEnv

const (
	// startTimeout bounds Start and StartControllers, on top of any deadline
	// of their context. A start takes about 4 s on an idle machine; this
	// leaves room for a busy one running many test packages and the race
	// detector at once.
	startTimeout = 2 * time.Minute
	// startAttempts is how often Start tries when a picked port was taken.
	startAttempts = 3
	// controllerManagerGrace, apiserverGrace and etcdGrace are how long Stop
	// waits after SIGTERM before it kills a process.
	controllerManagerGrace = 5 * time.Second
	apiserverGrace         = 10 * time.Second
	etcdGrace              = 5 * time.Second
)

// Env is a running control plane: one etcd and one kube-apiserver, and, once
// StartControllers was called, one kube-controller-manager, with a temporary
// directory for their data, certificates and logs. Start creates it; Stop
// ends it. The fields must not be modified.
type Env struct {
	// Config authenticates as an administrator (group system:masters, which
	// RBAC allows everything). Copy it with rest.CopyConfig before changing
	// it. Client-side rate limiting is relaxed to 100 QPS, burst 200.
	Config *rest.Config
	// Client is a clientset that uses Config.
	Client kubernetes.Interface

	binDir     string
	dir        string
	ca         *pki
	files      pkiFiles
	kubeconfig string
	etcd       *harness.Process
	apiserver  *harness.Process

	// mu guards the controller manager's state and stopped.
	mu                sync.Mutex
	controllerManager *harness.Process
	controllersTried  bool  // StartControllers ran; controllersErr is its result
	controllersErr    error // the error of that one start
	stopped           bool

	stopOnce sync.Once
	stopErr  error
}

// Start starts etcd and kube-apiserver from the directory named by
// DP_TESTENV_BIN on free loopback ports and waits until the apiserver is
// ready. Start gives up when ctx ends or after two minutes. On failure it
// leaves nothing running and the error includes the end of the failed
// process's log. The caller must call Stop.
func Start(ctx context.Context) (*Env, error) {
	binDir, err := binDirFromEnv()
	if err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		env, err := start(ctx, binDir)
		if err == nil {
			return env, nil
		}
		if !errors.Is(err, harness.ErrPortInUse) || attempt == startAttempts {
			return nil, fmt.Errorf("testenv: %w", err)
		}
	}
}

// binDirFromEnv returns DP_TESTENV_BIN after checking that it holds the
// executables etcd and kube-apiserver.
func binDirFromEnv() (string, error) {
	var dir string
	for _, name := range []string{"etcd", "kube-apiserver"} {
		path, err := harness.Binary(name)
		if err != nil {
			return "", err
		}
		dir = filepath.Dir(path)
	}
	return dir, nil
}

// start makes one attempt at starting the control plane in a new temporary
// directory, and cleans up after a failure.
func start(ctx context.Context, binDir string) (*Env, error) {
	dir, err := os.MkdirTemp("", "dp-testenv-")
	if err != nil {
		return nil, err
	}
	env := &Env{binDir: binDir, dir: dir}
	if err := env.boot(ctx); err != nil {
		_ = env.Stop()
		return nil, err
	}
	return env, nil
}

// boot generates the certificates, starts etcd, then kube-apiserver, and
// fills in the clients.
func (e *Env) boot(ctx context.Context) error {
	ports, err := harness.FreePorts(3)
	if err != nil {
		return err
	}
	if e.ca, err = newPKI(); err != nil {
		return err
	}
	if e.files, err = writePKIFiles(e.dir, e.ca); err != nil {
		return err
	}
	etcdURL := harness.LoopbackURL("http", ports[0])
	e.etcd, err = startEtcd(ctx, e.binDir, e.dir, etcdURL, harness.LoopbackURL("http", ports[1]))
	if err != nil {
		return err
	}
	if e.Config, err = e.newConfig(harness.LoopbackURL("https", ports[2]), "testenv-admin", "system:masters"); err != nil {
		return err
	}
	args := apiserverArgs(e.dir, e.files, etcdURL, ports[2])
	if e.apiserver, err = startAPIServer(ctx, e.binDir, e.dir, args, e.Config); err != nil {
		return err
	}
	if e.Client, err = kubernetes.NewForConfig(e.Config); err != nil {
		return err
	}
	e.kubeconfig = filepath.Join(e.dir, "kubeconfig")
	return writeKubeconfig(e.kubeconfig, e.Config)
}

// Stop stops kube-controller-manager and kube-apiserver and waits for them
// to exit, then does the same with etcd (in the other order the apiserver
// would retry etcd for a long time), then removes the temporary directory
// with all data and logs. Each process gets a grace period after SIGTERM and
// is then killed. Calling Stop again does nothing and returns the first
// call's result.
func (e *Env) Stop() error {
	e.stopOnce.Do(func() {
		e.mu.Lock()
		e.stopped = true
		cm := e.controllerManager
		e.mu.Unlock()
		if cm != nil {
			cm.Stop(controllerManagerGrace)
		}
		if e.apiserver != nil {
			e.apiserver.Stop(apiserverGrace)
		}
		if e.etcd != nil {
			e.etcd.Stop(etcdGrace)
		}
		e.stopErr = os.RemoveAll(e.dir)
	})
	return e.stopErr
}
