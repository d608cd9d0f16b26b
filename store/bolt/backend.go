package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/internal/objstore"
)

// schemaVersion is the layout of the file described in the package
// documentation. A file of another version is refused, not misread.
const schemaVersion = "1"

var (
	metaBucket         = []byte("meta")
	schemaKey          = []byte("schema")
	resourceVersionKey = []byte("resourceVersion")
)

// initialize creates the buckets of a new file and checks the schema
// version of an existing one.
func initialize(db *bbolt.DB) error {
	return db.Update(func(btx *bbolt.Tx) error {
		meta, err := btx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		switch v := meta.Get(schemaKey); {
		case v == nil:
			if err := meta.Put(schemaKey, []byte(schemaVersion)); err != nil {
				return err
			}
		case string(v) != schemaVersion:
			return fmt.Errorf("file has schema version %q, this version of the store reads %q", v, schemaVersion)
		}
		for _, k := range objstore.Kinds {
			if _, err := btx.CreateBucketIfNotExists([]byte(k.Resource)); err != nil {
				return err
			}
		}
		return nil
	})
}

// backend runs objstore transactions as bbolt transactions. A panic of
// bbolt on a damaged page becomes an error wrapping ErrCorrupt (bbolt rolls
// the transaction back).
type backend struct {
	db        *bbolt.DB
	onCorrupt func(error)
}

// View runs fn in a bbolt read transaction.
func (b *backend) View(fn func(objstore.Tx) error) error {
	return guard(func() error {
		return b.db.View(func(btx *bbolt.Tx) error { return fn(tx{btx, b.onCorrupt}) })
	})
}

// Update runs fn in a bbolt read-write transaction.
func (b *backend) Update(fn func(objstore.Tx) error) error {
	return guard(func() error {
		return b.db.Update(func(btx *bbolt.Tx) error { return fn(tx{btx, b.onCorrupt}) })
	})
}

// Close closes the file.
func (b *backend) Close() error { return guard(b.db.Close) }

// tx is an objstore.Tx over a bbolt transaction; objects are stored as JSON.
type tx struct {
	btx       *bbolt.Tx
	onCorrupt func(error)
}

func bucket(btx *bbolt.Tx, k *objstore.Kind) *bbolt.Bucket { return btx.Bucket([]byte(k.Resource)) }

// Get decodes the object under key, or returns nil.
func (t tx) Get(k *objstore.Kind, key string) (store.Object, error) {
	data := bucket(t.btx, k).Get([]byte(key))
	if data == nil {
		return nil, nil
	}
	return decode(k, key, data)
}

// List decodes the objects whose keys start with prefix, in key order,
// skipping (and reporting to onCorrupt) those that do not decode.
func (t tx) List(k *objstore.Kind, prefix string) ([]store.Object, error) {
	var out []store.Object
	p := []byte(prefix)
	c := bucket(t.btx, k).Cursor()
	for key, data := c.Seek(p); key != nil && bytes.HasPrefix(key, p); key, data = c.Next() {
		obj, err := decode(k, string(key), data)
		if err != nil {
			if t.onCorrupt != nil {
				t.onCorrupt(err)
			}
			continue // one damaged record does not hide the kind's others
		}
		out = append(out, obj)
	}
	return out, nil
}

// Put stores obj's JSON under key.
func (t tx) Put(k *objstore.Kind, key string, obj store.Object) error {
	data, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("bolt: encode %s %s: %w", k.Resource, key, err)
	}
	if err := bucket(t.btx, k).Put([]byte(key), data); err != nil {
		return fmt.Errorf("bolt: put %s %s: %w", k.Resource, key, err)
	}
	return nil
}

// Delete removes key.
func (t tx) Delete(k *objstore.Kind, key string) error {
	if err := bucket(t.btx, k).Delete([]byte(key)); err != nil {
		return fmt.Errorf("bolt: delete %s %s: %w", k.Resource, key, err)
	}
	return nil
}

// NextResourceVersion increments the counter in the meta bucket.
func (t tx) NextResourceVersion() (uint64, error) {
	meta := t.btx.Bucket(metaBucket)
	var rv uint64
	if v := meta.Get(resourceVersionKey); v != nil {
		rv = binary.BigEndian.Uint64(v)
	}
	rv++
	if err := meta.Put(resourceVersionKey, binary.BigEndian.AppendUint64(nil, rv)); err != nil {
		return 0, fmt.Errorf("bolt: put resourceVersion: %w", err)
	}
	return rv, nil
}

// decode decodes a stored object; a record that does not decode is an
// error wrapping ErrCorrupt.
func decode(k *objstore.Kind, key string, data []byte) (store.Object, error) {
	obj := k.New()
	if err := json.Unmarshal(data, obj); err != nil {
		return nil, fmt.Errorf("bolt: decode %s %s: %w: %v", k.Resource, key, ErrCorrupt, err)
	}
	return obj, nil
}
