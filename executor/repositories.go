package executor

import (
	"fmt"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/repository"
)

// Repository is a backup repository the host registers in
// Config.Repositories, by the name a BackupPolicy chooses it with (the
// annotation dataprotection.kubeblocks.io/repository). It is described
// twice: a handle for the engine's own work, and a description, with
// secrets as references, for drivers, which may run their tasks elsewhere
// (a Job's pod, a plugin's process).
type Repository struct {
	// Repository is the engine's own handle: it checks that the
	// repository answers before a backup runs, and deletes the data of
	// deleted Backups (by a person or by retention). Required.
	Repository *repository.Repository
	// URL is where drivers find it, in the syntax of package
	// repository/repourl, without credentials (s3://bucket/prefix?endpoint=
	// host:9000, file:///dir); compression and level go in its query.
	// Required.
	URL string
	// Credentials are the rest of the drivers' client environment, the S3
	// credentials (drivers.EnvAccessKeyID, EnvSecretAccessKey,
	// EnvSessionToken), with secrets as references (valueFrom.secretKeyRef)
	// that resolve where each task runs: in its owner's namespace (the
	// local driver's SecretSource, a Job's namespace).
	Credentials []corev1.EnvVar
	// Recipients are the age X25519 public keys ("age1...") backups are
	// encrypted to: whoever writes a backup cannot read it back. Empty:
	// backups are not encrypted.
	Recipients []string
	// Identity is the secret key that holds the age identities
	// ("AGE-SECRET-KEY-1...", one per line) restores decrypt with; only
	// restore tasks get it (as drivers.EnvRepositoryIdentity). Nil: only
	// unencrypted backups can be restored (unless IdentityFile is set).
	Identity *corev1.SecretKeySelector
	// IdentityFile is, for drivers that run restores on the host's own
	// machine (the local driver, plugins), the path of a file there of age
	// identities, one per line (drivers.EnvRepositoryIdentityFile): the
	// identity from the host's configuration rather than from a Secret.
	// Only restore tasks get it.
	IdentityFile string
}

// repositoryScheme lists the URL schemes a Repository may have.
var repositorySchemes = []string{"s3", "file", "mem"}

// checkRepositories returns an error naming every registered repository
// that cannot be used.
func checkRepositories(repos map[string]Repository) error {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(repos)) {
		if msg := repos[name].check(); msg != "" || len(validation.IsDNS1123Label(name)) > 0 {
			if msg == "" {
				msg = "not a valid name: use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
			}
			problems = append(problems, fmt.Sprintf("%q: %s", name, msg))
		}
	}
	if len(problems) > 0 {
		return drivers.Errorf(drivers.InvalidArgument, "dataprotection: new engine: Config.Repositories: %s", strings.Join(problems, "; "))
	}
	return nil
}

// check says what makes r unusable; "" when nothing does.
func (r Repository) check() string {
	u, err := url.Parse(r.URL)
	switch {
	case r.Repository == nil:
		return "no Repository handle"
	case err != nil || !slices.Contains(repositorySchemes, u.Scheme):
		return fmt.Sprintf("URL %q is not a repository URL (%s)", r.URL, strings.Join(repositorySchemes, ", "))
	case u.User != nil:
		return "the URL holds credentials: give them in Credentials, as secret references"
	}
	if r.IdentityFile != "" && !filepath.IsAbs(r.IdentityFile) {
		return fmt.Sprintf("IdentityFile %q is not an absolute path", r.IdentityFile)
	}
	for _, v := range r.Credentials {
		if slices.Contains(drivers.SecretRepositoryEnv, v.Name) && v.ValueFrom == nil {
			return fmt.Sprintf("%s is a secret: give it as a reference (valueFrom.secretKeyRef), never as a value", v.Name)
		}
	}
	if err := repository.CheckRecipients(r.Recipients); err != nil {
		return err.Error()
	}
	return ""
}

// description is r, registered as name, as drivers see it: the identity
// only for restores.
func (r Repository) description(name string, restore bool) *drivers.Repository {
	d := &drivers.Repository{Name: name, URL: r.URL, Recipients: slices.Clone(r.Recipients)}
	for i := range r.Credentials {
		d.Env = append(d.Env, *r.Credentials[i].DeepCopy())
	}
	if restore && r.Identity != nil {
		d.Env = append(d.Env, corev1.EnvVar{Name: drivers.EnvRepositoryIdentity,
			ValueFrom: &corev1.EnvVarSource{SecretKeyRef: r.Identity.DeepCopy()}})
	}
	if restore && r.IdentityFile != "" {
		d.Env = append(d.Env, corev1.EnvVar{Name: drivers.EnvRepositoryIdentityFile, Value: envvar.Escape(r.IdentityFile)})
	}
	return d
}

// repository returns the repository registered as name, or an error that
// lists the registered names.
func (e *Executor) repository(name string) (Repository, error) {
	if r, ok := e.repos[name]; ok {
		return r, nil
	}
	registered := "none"
	if len(e.repos) > 0 {
		registered = strings.Join(e.repositoryNames(), ", ")
	}
	return Repository{}, fmt.Errorf("no repository is registered as %q (registered: %s)", name, registered)
}

// repositoryNames are the registered names, sorted.
func (e *Executor) repositoryNames() []string { return slices.Sorted(maps.Keys(e.repos)) }

// registeredNames lists the names of repos for an error: sorted, "none"
// when there are none.
func registeredNames(repos map[string]Repository) string {
	if len(repos) == 0 {
		return "none"
	}
	return strings.Join(slices.Sorted(maps.Keys(repos)), ", ")
}
