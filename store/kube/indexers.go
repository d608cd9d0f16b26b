package kube

import (
	"strings"

	"k8s.io/client-go/tools/cache"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/internal/objstore"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// indexerName is the name of the informer indexer of a store.Index; the
// group prefix keeps it apart from a host's own indexers.
func indexerName(idx store.Index) string { return v1alpha1.GroupName + "/" + string(idx) }

// indexKey is what an indexer files an object under: namespace/value, so
// that a namespace's query is one lookup; a query of all namespaces scans
// the distinct keys (see byIndex).
func indexKey(namespace, value string) string { return namespace + "/" + value }

// addIndexers adds to inf the indexers it lacks (see indexers).
func addIndexers(inf Informer, k *objstore.Kind) error {
	add := indexers(k, inf.GetIndexer().GetIndexers())
	if len(add) == 0 {
		return nil
	}
	return inf.AddIndexers(add)
}

// indexers returns the indexers the store reads k with — the namespace
// indexer and one per store index of the kind — but those in have.
func indexers(k *objstore.Kind, have cache.Indexers) cache.Indexers {
	out := cache.Indexers{}
	if _, ok := have[cache.NamespaceIndex]; !ok && k.Namespaced {
		out[cache.NamespaceIndex] = cache.MetaNamespaceIndexFunc
	}
	for _, idx := range store.KindIndexes(k.New()) {
		if _, ok := have[indexerName(idx)]; !ok {
			out[indexerName(idx)] = indexFunc(idx)
		}
	}
	return out
}

// indexFunc files an object under namespace/value for each of its values
// of idx.
func indexFunc(idx store.Index) cache.IndexFunc {
	return func(obj any) ([]string, error) {
		o, ok := obj.(store.Object)
		if !ok {
			return nil, nil
		}
		values, _ := store.IndexValues(idx, o)
		out := make([]string, len(values))
		for i, v := range values {
			out[i] = indexKey(o.GetNamespace(), v)
		}
		return out, nil
	}
}

// byIndex returns the objects of indexer that have value in idx, in
// namespace ("" for all, scanning the index's distinct keys for those of
// value).
func byIndex(indexer cache.Indexer, idx store.Index, namespace, value string) ([]any, error) {
	name := indexerName(idx)
	if namespace != "" {
		return indexer.ByIndex(name, indexKey(namespace, value))
	}
	var out []any
	suffix := "/" + value
	for _, key := range indexer.ListIndexFuncValues(name) {
		if !strings.HasSuffix(key, suffix) || strings.Contains(strings.TrimSuffix(key, suffix), "/") {
			continue
		}
		items, err := indexer.ByIndex(name, key)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}
