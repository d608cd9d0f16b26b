package testkubelet

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/internal/kubeenv"
	"github.com/dpsdk/dataprotection/internal/podexec/podexectest"
)

// maxMessage is the kubelet's bound on a termination message, and
// fallbackLog how much of the log FallbackToLogsOnError keeps.
const (
	maxMessage  = 4096
	fallbackLog = 2048
)

// Local is the Node that runs a pod's first container on this machine, as
// the kubelet would: its env and envFrom resolved by envvar.Resolver
// (secrets and config maps of the pod's namespace read through Client,
// the pod's fields), $(VAR) in its command and args expanded with them,
// every claim it mounts a directory Root/<claim name> (the mount path is
// replaced by it in the command's words and in the env's literal values),
// and its termination message written to a file that is read back
// (FallbackToLogsOnError: the end of the log when the container wrote no
// message and failed). The process runs in a process group of its own,
// killed when the run's context ends, with PATH and HOME=Root besides the
// container's environment.
type Local struct {
	// Client reads the secrets and config maps the container references.
	Client kubernetes.Interface
	// Root holds the claims' directories.
	Root string
}

// Run implements Node.
func (l Local) Run(ctx context.Context, pod *corev1.Pod) (Termination, error) {
	c := pod.Spec.Containers[0]
	dir, err := os.MkdirTemp("", "testkubelet-")
	if err != nil {
		return Termination{}, err
	}
	defer os.RemoveAll(dir)
	paths, err := l.mounts(pod, c)
	if err != nil {
		return Termination{}, err
	}
	msgFile := filepath.Join(dir, "termination-log")
	if c.TerminationMessagePath != "" {
		paths[c.TerminationMessagePath] = msgFile
	}
	mapPaths := replacer(paths)
	res := &envvar.Resolver{Sources: kubeenv.Sources(l.Client, pod.Namespace), Fields: envvar.PodFields(pod), Localize: mapPaths}
	env, err := res.Resolve(ctx, c.Env, c.EnvFrom)
	if err != nil {
		return Termination{}, err
	}
	var argv []string
	for _, word := range append(append([]string(nil), c.Command...), c.Args...) {
		argv = append(argv, mapPaths(env.Expand(word)))
	}
	var log bytes.Buffer
	environ := append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + l.Root}, env.Environ()...)
	code, err := podexectest.Run(ctx, argv, environ, nil, &log, &log)
	if err != nil {
		return Termination{}, err
	}
	return Termination{ExitCode: int32(code), Message: message(msgFile, code, log.Bytes()), Log: log.String()}, nil
}

// mounts maps the mount path of each claim the container mounts to the
// claim's directory under Root, which it creates.
func (l Local) mounts(pod *corev1.Pod, c corev1.Container) (map[string]string, error) {
	claims := map[string]string{}
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			claims[v.Name] = v.PersistentVolumeClaim.ClaimName
		}
	}
	out := map[string]string{}
	for _, m := range c.VolumeMounts {
		if claim, ok := claims[m.Name]; ok {
			out[m.MountPath] = filepath.Join(l.Root, claim)
			if err := os.MkdirAll(out[m.MountPath], 0o755); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// replacer replaces each key of paths by its value, longest first.
func replacer(paths map[string]string) func(string) string {
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, k, paths[k])
	}
	r := strings.NewReplacer(pairs...)
	return r.Replace
}

// message is the termination message: the file's content, at most
// maxMessage bytes, or, when it is empty and the container failed, the end
// of its log.
func message(file string, code int, log []byte) string {
	msg, _ := os.ReadFile(file)
	if len(msg) > maxMessage {
		msg = msg[:maxMessage]
	}
	if len(bytes.TrimSpace(msg)) == 0 && code != 0 {
		msg = log[max(0, len(log)-fallbackLog):]
	}
	return string(msg)
}
