package objstore

import (
	"sync"

	"github.com/dpsdk/dataprotection/store"
)

// kindIndex holds the indexes of one kind (store.KindIndexes): for each,
// value → namespace → set of keys, and per key the values it was indexed
// under, so a change removes the old ones. It is built from every object
// of the kind on first use and kept up to date by each write after that.
type kindIndex struct {
	mu      sync.RWMutex
	indexes []store.Index
	byValue []map[string]map[string]map[string]struct{} // parallel to indexes
	byKey   map[string]indexed
}

// indexed is what one object was indexed under.
type indexed struct {
	namespace string
	values    [][]string // parallel to indexes
}

func newKindIndex(k *Kind) *kindIndex {
	x := &kindIndex{indexes: store.KindIndexes(k.New()), byKey: map[string]indexed{}}
	x.byValue = make([]map[string]map[string]map[string]struct{}, len(x.indexes))
	for i := range x.byValue {
		x.byValue[i] = map[string]map[string]map[string]struct{}{}
	}
	return x
}

// put indexes obj under key, replacing what key was indexed under.
func (x *kindIndex) put(key string, obj store.Object) {
	x.remove(key)
	e := indexed{namespace: obj.GetNamespace(), values: make([][]string, len(x.indexes))}
	for i, idx := range x.indexes {
		e.values[i], _ = store.IndexValues(idx, obj)
		for _, v := range e.values[i] {
			byNS := x.byValue[i][v]
			if byNS == nil {
				byNS = map[string]map[string]struct{}{}
				x.byValue[i][v] = byNS
			}
			keys := byNS[e.namespace]
			if keys == nil {
				keys = map[string]struct{}{}
				byNS[e.namespace] = keys
			}
			keys[key] = struct{}{}
		}
	}
	x.byKey[key] = e
}

// remove drops key from every index.
func (x *kindIndex) remove(key string) {
	e, ok := x.byKey[key]
	if !ok {
		return
	}
	delete(x.byKey, key)
	for i, values := range e.values {
		for _, v := range values {
			byNS := x.byValue[i][v]
			delete(byNS[e.namespace], key)
			if len(byNS[e.namespace]) == 0 {
				delete(byNS, e.namespace)
			}
			if len(byNS) == 0 {
				delete(x.byValue[i], v)
			}
		}
	}
}

// keys returns the keys indexed under value in idx, in namespace ("" for
// all).
func (x *kindIndex) keys(idx store.Index, namespace, value string) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var out []string
	for i, have := range x.indexes {
		if have != idx {
			continue
		}
		for ns, keys := range x.byValue[i][value] {
			if namespace != "" && ns != namespace {
				continue
			}
			for key := range keys {
				out = append(out, key)
			}
		}
	}
	return out
}
