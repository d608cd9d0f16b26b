package plugin

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
)

// Binary is a plugin executable the Manager runs.
type Binary struct {
	// Name identifies the plugin in logs and errors (see ValidateName);
	// Discover uses the file's name. The registry names of the drivers it
	// serves are the names the process reports when it starts, which may
	// differ.
	Name string
	// Path is the executable.
	Path string
	// Args are extra command-line arguments. Optional.
	Args []string
	// Env is extra environment (KEY=VALUE), after ManagerOptions.Env.
	// Optional.
	Env []string
}

// Discover returns the plugin binaries in dir, sorted by name: the
// executable regular files (or symbolic links to them) whose names do not
// start with a dot; directories and other files are skipped. The file's
// name, without ".exe" on Windows, is the Binary's Name and must be valid
// (ValidateName). Invalid and duplicate names are errors with code
// InvalidArgument, which list every offending file; a directory that cannot
// be read is an error with code FailedPrecondition.
func Discover(dir string) ([]Binary, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, drivers.Errorf(drivers.FailedPrecondition, "plugin discovery: %w", err)
	}
	var (
		bins []Binary
		errs []error
		seen = map[string]string{}
	)
	for _, e := range entries {
		file := e.Name()
		path := filepath.Join(dir, file)
		if strings.HasPrefix(file, ".") || !isExecutable(path) {
			continue
		}
		name := file
		if runtime.GOOS == "windows" {
			name = strings.TrimSuffix(name, ".exe")
		}
		if err := ValidateName(name); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		if other, dup := seen[name]; dup {
			errs = append(errs, fmt.Errorf("%s and %s: duplicate plugin name %q", other, path, name))
			continue
		}
		seen[name] = path
		bins = append(bins, Binary{Name: name, Path: path})
	}
	if len(errs) > 0 {
		return nil, drivers.Errorf(drivers.InvalidArgument, "plugin discovery in %s: %w", dir, errors.Join(errs...))
	}
	sort.Slice(bins, func(i, j int) bool { return bins[i].Name < bins[j].Name })
	return bins, nil
}

// isExecutable reports whether path is (or links to) a regular file that
// someone may execute.
func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	if runtime.GOOS == "windows" {
		return strings.EqualFold(filepath.Ext(path), ".exe")
	}
	return fi.Mode().Perm()&0o111 != 0
}
