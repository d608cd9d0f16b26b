package bolt

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"

	bbolt "go.etcd.io/bbolt"
)

// guard runs fn and turns a panic (bbolt panics on a damaged page) and a
// memory fault (a page beyond the end of a truncated file) into an error
// wrapping ErrCorrupt.
func guard(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrCorrupt, r)
		}
	}()
	return fn()
}

// checkEmpty refuses a file that exists and is empty, unless init says it
// is a new database: bbolt would silently make it one.
func checkEmpty(path string, init bool) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.Size() == 0 && !init:
		return fmt.Errorf("%w: the file exists and is empty (Options.InitEmptyFile makes it a new database)", ErrCorrupt)
	}
	return nil
}

// verify reads every key and value of every bucket, so that a damaged page
// is found when the file is opened rather than by a later call.
func verify(db *bbolt.DB) error {
	return guard(func() error {
		return db.View(func(btx *bbolt.Tx) error {
			return btx.ForEach(func(_ []byte, b *bbolt.Bucket) error {
				return b.ForEach(func(_, _ []byte) error { return nil })
			})
		})
	})
}

// openDB opens the bbolt file, checks it unless noCheck, and closes it
// again when it is damaged.
func openDB(path string, opts *bbolt.Options, noCheck bool) (*bbolt.DB, error) {
	var db *bbolt.DB
	err := guard(func() (err error) {
		db, err = bbolt.Open(path, fileMode, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !noCheck {
		err = verify(db)
	}
	if err == nil {
		err = guard(func() error { return initialize(db) })
	}
	if err != nil {
		_ = guard(db.Close)
		return nil, err
	}
	return db, nil
}
