package local

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/drivers"
)

// SecretSource gives the local driver the secrets that tasks reference
// (an env var's valueFrom.secretKeyRef, an envFrom secretRef). The host
// provides it: a SecretMap, a SecretDir, or its own vault client. The driver
// reads secrets only to run and to redact; it never logs or stores their
// values.
type SecretSource interface {
	// Secret returns the data of the secret namespace/name. It returns an
	// error for which drivers.IsNotFound is true when the secret does not
	// exist.
	Secret(ctx context.Context, namespace, name string) (map[string][]byte, error)
}

// ConfigMapSource gives the local driver the config maps that tasks
// reference (valueFrom.configMapKeyRef, envFrom configMapRef).
type ConfigMapSource interface {
	// ConfigMap returns the data of the config map namespace/name; an
	// error for which drivers.IsNotFound is true when it does not exist.
	ConfigMap(ctx context.Context, namespace, name string) (map[string]string, error)
}

// SecretMap is a SecretSource held in memory: secret data by "namespace/name"
// (or by "name" alone, which matches any namespace).
type SecretMap map[string]map[string]string

// Secret implements SecretSource.
func (m SecretMap) Secret(_ context.Context, namespace, name string) (map[string][]byte, error) {
	data, ok := m[namespace+"/"+name]
	if !ok {
		data, ok = m[name]
	}
	if !ok {
		return nil, drivers.Errorf(drivers.NotFound, "secret %s/%s not found", namespace, name)
	}
	out := make(map[string][]byte, len(data))
	for k, v := range data {
		out[k] = []byte(v)
	}
	return out, nil
}

// SecretKeys returns the keys of a secret, so a SecretMap can also tell an
// engine which keys a policy's secret holds.
func (m SecretMap) SecretKeys(ctx context.Context, namespace, name string) ([]string, error) {
	data, err := m.Secret(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	return keys, nil
}

// ConfigMapMap is a ConfigMapSource held in memory: config map data by
// "namespace/name" (or by "name" alone, which matches any namespace).
type ConfigMapMap map[string]map[string]string

// ConfigMap implements ConfigMapSource.
func (m ConfigMapMap) ConfigMap(_ context.Context, namespace, name string) (map[string]string, error) {
	data, ok := m[namespace+"/"+name]
	if !ok {
		data, ok = m[name]
	}
	if !ok {
		return nil, drivers.Errorf(drivers.NotFound, "config map %s/%s not found", namespace, name)
	}
	return data, nil
}

// SecretDir is a SecretSource over a directory laid out as mounted secrets
// are: <dir>/<namespace>/<name>/<key>, one file per key (the file's content
// is the value). A secret of a task with no namespace is <dir>/<name>/<key>.
// Entries whose names are not valid secret keys, and subdirectories, are
// ignored.
type SecretDir string

// Secret implements SecretSource.
func (d SecretDir) Secret(_ context.Context, namespace, name string) (map[string][]byte, error) {
	if !validName(name) || (namespace != "" && !validName(namespace)) {
		return nil, drivers.Errorf(drivers.InvalidArgument, "secret %s/%s: invalid name", namespace, name)
	}
	dir := filepath.Join(string(d), namespace, name)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, drivers.Errorf(drivers.NotFound, "secret %s/%s not found in %s", namespace, name, string(d))
	}
	if err != nil {
		return nil, drivers.Errorf(drivers.Unavailable, "secret %s/%s: %w", namespace, name, err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if !e.Type().IsRegular() || len(validation.IsConfigMapKey(e.Name())) > 0 {
			continue
		}
		v, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, drivers.Errorf(drivers.Unavailable, "secret %s/%s key %s: %w", namespace, name, e.Name(), err)
		}
		out[e.Name()] = v
	}
	return out, nil
}

func validName(s string) bool { return len(validation.IsDNS1123Subdomain(s)) == 0 }
