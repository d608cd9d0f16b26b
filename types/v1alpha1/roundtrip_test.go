package v1alpha1_test

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func decodeGolden(t *testing.T) []runtime.Object {
	t.Helper()
	data, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	objs, err := v1alpha1.DecodeAll(bytes.NewReader(data))
	require.NoError(t, err)
	require.Len(t, objs, 4)
	return objs
}

func TestGoldenManifestRoundTripsWithoutLoss(t *testing.T) {
	for _, obj := range decodeGolden(t) {
		kind := reflect.TypeOf(obj).Elem().Name()
		t.Run(kind, func(t *testing.T) {
			encoded, err := json.Marshal(obj)
			require.NoError(t, err)
			again, err := v1alpha1.Decode(encoded)
			require.NoError(t, err)
			require.Equal(t, obj, again)

			reencoded, err := json.Marshal(again)
			require.NoError(t, err)
			require.JSONEq(t, string(encoded), string(reencoded))
		})
	}
}

func TestGoldenManifestSetsEveryField(t *testing.T) {
	seen := map[string]bool{}
	for _, obj := range decodeGolden(t) {
		markSet(reflect.ValueOf(obj), seen)
	}
	var missing []string
	for _, f := range apiFields() {
		if !seen[f] {
			missing = append(missing, f)
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "fields never set in testdata/full.yaml")
}

// pkgPath is the import path whose struct fields the golden file must cover.
var pkgPath = reflect.TypeOf(v1alpha1.Backup{}).PkgPath()

// apiFields lists "Type.Field" for every field of every struct of this
// package reachable from the four kinds.
func apiFields() []string {
	var out []string
	visited := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t.PkgPath() != pkgPath || visited[t] {
			return
		}
		visited[t] = true
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.Anonymous {
				out = append(out, t.Name()+"."+f.Name)
			}
			walk(f.Type)
		}
	}
	for _, k := range []any{v1alpha1.Backup{}, v1alpha1.BackupPolicy{}, v1alpha1.BackupTool{}, v1alpha1.RestoreJob{}} {
		walk(reflect.TypeOf(k))
	}
	return out
}

// markSet records "Type.Field" for every non-zero field of this package's
// structs found in v (fields of empty structs count as set).
func markSet(v reflect.Value, seen map[string]bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			markSet(v.Elem(), seen)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			markSet(v.Index(i), seen)
		}
	case reflect.Struct:
		t := v.Type()
		if t.PkgPath() != pkgPath {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			f := v.Field(i)
			if !f.IsZero() || (f.Kind() == reflect.Struct && f.Type().NumField() == 0) {
				seen[t.Name()+"."+t.Field(i).Name] = true
			}
			markSet(f, seen)
		}
	}
}
