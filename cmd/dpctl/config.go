package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"github.com/dpsdk/dataprotection/drivers/local"
)

// config is the file that --config names (dpctl.yaml): what embedded dpctl
// needs to run work itself. Relative paths are relative to the file's
// directory. See help/config.txt for the format.
type config struct {
	// Storage is where the local driver keeps backups and task state.
	Storage storageConfig `json:"storage"`
	// Secrets are the secrets tasks reference (database credentials).
	Secrets *secretsConfig `json:"secrets,omitempty"`
	// Targets are the local database instances policies select by label.
	Targets []targetConfig `json:"targets,omitempty"`

	// secretSource is what Secrets names, loaded with the file.
	secretSource local.SecretSource
}

type storageConfig struct {
	Root     string `json:"root"`
	StateDir string `json:"stateDir,omitempty"`
}

type secretsConfig struct {
	File string `json:"file,omitempty"`
	Dir  string `json:"dir,omitempty"`
}

type targetConfig struct {
	Name    string            `json:"name"`
	Labels  map[string]string `json:"labels,omitempty"`
	Host    string            `json:"host,omitempty"`
	Env     map[string]string `json:"env,omitempty"`
	DataDir string            `json:"dataDir,omitempty"`
}

// loadConfig reads, strictly decodes and validates the config file at path,
// and makes its paths absolute.
func loadConfig(path string) (*config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c config
	if err := decodeStrict(data, &c); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	abs, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	c.resolve(abs)
	if errs := c.validate(); len(errs) > 0 {
		return nil, fmt.Errorf("config %s: %w", path, errs.ToAggregate())
	}
	if c.secretSource, err = c.secrets(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &c, nil
}

// decodeStrict decodes YAML or JSON into v: an unknown or duplicated field
// is an error that names its path.
func decodeStrict(data []byte, v any) error {
	js, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return err
	}
	strict, err := sigsjson.UnmarshalStrict(js, v, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

// resolve makes the paths of c absolute, relative to dir.
func (c *config) resolve(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	abs(&c.Storage.Root)
	abs(&c.Storage.StateDir)
	if c.Secrets != nil {
		abs(&c.Secrets.File)
		abs(&c.Secrets.Dir)
	}
	for i := range c.Targets {
		abs(&c.Targets[i].DataDir)
	}
}

func (c *config) validate() field.ErrorList {
	var errs field.ErrorList
	if c.Storage.Root == "" {
		errs = append(errs, field.Required(field.NewPath("storage", "root"), "the directory the backups are kept in"))
	}
	if s := c.Secrets; s != nil && s.File != "" && s.Dir != "" {
		errs = append(errs, field.Invalid(field.NewPath("secrets"), "file and dir", "set file or dir, not both"))
	}
	seen := map[string]bool{}
	for i, t := range c.Targets {
		p := field.NewPath("targets").Index(i)
		errs = append(errs, t.validate(p)...)
		if seen[t.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), t.Name))
		}
		seen[t.Name] = true
	}
	return errs
}

func (t *targetConfig) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(t.Name) {
		errs = append(errs, field.Invalid(p.Child("name"), t.Name, msg))
	}
	for _, k := range sortedKeys(t.Labels) {
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(p.Child("labels").Key(k), k, msg))
		}
		for _, msg := range validation.IsValidLabelValue(t.Labels[k]) {
			errs = append(errs, field.Invalid(p.Child("labels").Key(k), t.Labels[k], msg))
		}
	}
	for _, k := range sortedKeys(t.Env) {
		for _, msg := range validation.IsEnvVarName(k) {
			errs = append(errs, field.Invalid(p.Child("env").Key(k), k, msg))
		}
	}
	return errs
}

// targets are the config's targets for the engine.
func (c *config) targets() local.Targets {
	out := make(local.Targets, len(c.Targets))
	for i, t := range c.Targets {
		out[i] = local.Target{Name: t.Name, Labels: t.Labels, Host: t.Host, Env: t.Env, DataDir: t.DataDir}
	}
	return out
}

// secrets returns the secret source of the config; nil when it has none.
func (c *config) secrets() (local.SecretSource, error) {
	switch {
	case c.Secrets == nil:
		return nil, nil
	case c.Secrets.Dir != "":
		if _, err := os.Stat(c.Secrets.Dir); err != nil {
			return nil, fmt.Errorf("secrets.dir: %w", err)
		}
		return local.SecretDir(c.Secrets.Dir), nil
	case c.Secrets.File != "":
		return loadSecretsFile(c.Secrets.File)
	}
	return nil, nil
}

// loadSecretsFile reads a secrets file: a map from "name" or
// "namespace/name" to the secret's keys and values. Like an SSH key, it
// must not be readable by others.
func loadSecretsFile(path string) (local.SecretMap, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("secrets.file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("secrets.file %s is readable by others (mode %04o): chmod 600 it", path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secrets.file: %w", err)
	}
	var m local.SecretMap
	if err := decodeStrict(data, &m); err != nil {
		return nil, fmt.Errorf("secrets.file %s: %w", path, err)
	}
	if errs := validateSecrets(m); len(errs) > 0 {
		return nil, fmt.Errorf("secrets.file %s: %w", path, errs.ToAggregate())
	}
	return m, nil
}

func validateSecrets(m local.SecretMap) field.ErrorList {
	var errs field.ErrorList
	for _, name := range sortedKeys(m) {
		p := field.NewPath("").Key(name)
		for _, part := range strings.Split(name, "/") {
			for _, msg := range validation.IsDNS1123Subdomain(part) {
				errs = append(errs, field.Invalid(p, name, msg))
			}
		}
		for _, k := range sortedKeys(m[name]) {
			for _, msg := range validation.IsConfigMapKey(k) {
				errs = append(errs, field.Invalid(p.Key(k), k, msg))
			}
		}
	}
	return errs
}

// secretKeys makes any secret source the engine's secret inspector, so that
// policies are checked against the secrets' keys when they are validated.
type secretKeys struct{ src local.SecretSource }

// SecretKeys returns the sorted keys of the secret namespace/name.
func (s secretKeys) SecretKeys(ctx context.Context, namespace, name string) ([]string, error) {
	data, err := s.src.Secret(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	return sortedKeys(data), nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
