package fs

import (
	"context"
	"slices"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
)

// List walks the tree depth first, visiting each directory's entries in the
// byte order of their keys (a directory "a" sorts as "a/"), which yields
// keys in ascending byte order; it skips the subtrees that cannot hold a key
// with the prefix or after the page token, which is the last key returned.
// Only regular files are objects: symbolic links and temporary files are
// not listed.
func (b *Backend) List(ctx context.Context, opts repository.ListOptions) (repository.ListPage, error) {
	size := opts.PageSize
	if size <= 0 {
		size = repository.DefaultPageSize
	}
	l := &lister{b: b, ctx: ctx, prefix: opts.Prefix, after: opts.PageToken, limit: size + 1}
	if err := l.walk(""); err != nil {
		return repository.ListPage{}, err
	}
	page := repository.ListPage{Objects: l.found}
	if len(l.found) > size {
		page.Objects = l.found[:size]
		page.NextPageToken = page.Objects[size-1].Key
	}
	return page, nil
}

type lister struct {
	b      *Backend
	ctx    context.Context
	prefix string
	after  string
	limit  int
	found  []repository.Attributes
}

type entry struct {
	key   string // with a trailing slash for a directory
	isDir bool
}

// walk visits the directory whose keys start with dir ("" or "a/b/").
func (l *lister) walk(dir string) error {
	if err := l.ctx.Err(); err != nil {
		return err
	}
	entries, err := l.readDir(dir)
	if dir != "" && drivers.IsNotFound(err) {
		return nil // removed since its parent was read
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if len(l.found) >= l.limit {
			return nil
		}
		if e.isDir {
			if l.mayHold(e.key) {
				if err := l.walk(e.key); err != nil {
					return err
				}
			}
			continue
		}
		if err := l.visitFile(e.key); err != nil {
			return err
		}
	}
	return nil
}

// mayHold reports whether the subtree of keys starting with dir may hold a
// key that has the prefix and comes after the page token.
func (l *lister) mayHold(dir string) bool {
	if !strings.HasPrefix(dir, l.prefix) && !strings.HasPrefix(l.prefix, dir) {
		return false
	}
	return l.after < dir || strings.HasPrefix(l.after, dir)
}

func (l *lister) visitFile(key string) error {
	if !strings.HasPrefix(key, l.prefix) || key <= l.after {
		return nil
	}
	fi, err := l.b.root.Lstat(key)
	if err != nil {
		return nil // removed since the directory was read
	}
	l.found = append(l.found, repository.Attributes{Key: key, Size: fi.Size(), ModTime: fi.ModTime()})
	return nil
}

// readDir returns the objects and subdirectories of dir sorted by key.
func (l *lister) readDir(dir string) ([]entry, error) {
	name := strings.TrimSuffix(dir, "/")
	if name == "" {
		name = "."
	}
	f, err := l.b.root.Open(name)
	if err != nil {
		return nil, l.b.classify(err)
	}
	defer f.Close()
	des, err := f.ReadDir(-1)
	if err != nil {
		return nil, l.b.classify(err)
	}
	entries := make([]entry, 0, len(des))
	for _, de := range des {
		switch {
		case de.IsDir():
			entries = append(entries, entry{key: dir + de.Name() + "/", isDir: true})
		case de.Type().IsRegular() && !strings.HasPrefix(de.Name(), tempPrefix):
			entries = append(entries, entry{key: dir + de.Name()})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	return entries, nil
}
