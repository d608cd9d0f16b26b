package tardriver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// The tool commands of the plugin binary (RunTool's first argument).
const (
	// ToolArchive SRC DST archives SRC into DST.
	ToolArchive = "archive"
	// ToolExtract DIR TARGET extracts the archive in DIR into TARGET.
	ToolExtract = "extract"
)

// IsTool reports whether args (os.Args[1:]) ask for a tool command, which
// main then runs with RunTool instead of serving the plugin.
func IsTool(args []string) bool {
	return len(args) > 0 && (args[0] == ToolArchive || args[0] == ToolExtract)
}

// RunTool runs a tool command (the steps tardriver adds to tasks) and
// returns the process's exit status: 0 on success, 1 on failure (with the
// reason on stderr), 2 for bad usage. A summary goes to stderr, which the
// task's log tail shows. SIGTERM (a cancelled task) stops it.
func RunTool(args []string, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if !IsTool(args) || len(args) != 3 {
		fmt.Fprintf(stderr, "usage: %s SOURCE_DIR BACKUP_DIR | %s BACKUP_DIR TARGET_DIR\n", ToolArchive, ToolExtract)
		return 2
	}
	var err error
	if args[0] == ToolArchive {
		err = runArchive(ctx, args[1], args[2], stderr)
	} else {
		err = runExtract(ctx, args[1], args[2], stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "tar-gzip %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func runArchive(ctx context.Context, src, dst string, stderr io.Writer) error {
	if src == "" {
		fmt.Fprintln(stderr, "tar-gzip archive: no SOURCE_DIR or DATA_DIR; nothing to archive")
		return nil
	}
	if dst == "" {
		return errors.New("no BACKUP_DIR")
	}
	if fi, err := os.Stat(src); err != nil || !fi.IsDir() {
		return fmt.Errorf("source %s is not a directory (%v)", src, err)
	}
	m, err := Archive(ctx, src, dst)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "tar-gzip archive: %d entries, %d bytes of files into %s (%d bytes, sha256 %s)\n",
		len(m.Files), m.TotalBytes, filepath.Join(dst, ArchiveName), m.Archive.Size, m.Archive.SHA256)
	return nil
}

func runExtract(ctx context.Context, dir, target string, stderr io.Writer) error {
	if _, err := os.Stat(filepath.Join(dir, ManifestName)); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "tar-gzip extract: no %s in %s; nothing to extract\n", ManifestName, dir)
		return nil
	}
	if target == "" {
		return errors.New("no RESTORE_DIR, SOURCE_DIR or DATA_DIR to restore into")
	}
	m, err := Extract(ctx, dir, target)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "tar-gzip extract: %d entries, %d bytes of files into %s, every checksum verified\n",
		len(m.Files), m.TotalBytes, target)
	return nil
}
