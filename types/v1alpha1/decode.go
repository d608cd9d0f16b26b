package v1alpha1

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// decoderScheme knows only this package's kinds, so a manifest of any other
// kind is an error rather than a silently empty object.
var decoderScheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := AddToScheme(s); err != nil {
		panic(err) // a programming error in this package, caught by its tests
	}
	return s
}()

var strictSerializer = json.NewSerializerWithOptions(json.DefaultMetaFactory, decoderScheme, decoderScheme,
	json.SerializerOptions{Yaml: true, Strict: true})

// Decode decodes one YAML or JSON manifest of a Backup, BackupPolicy,
// BackupTool or RestoreJob strictly: an unknown or duplicated field is an
// error that names its path (such as `unknown field "spec.foo"`), and so is a
// missing or foreign apiVersion or kind. Defaults are not applied; call
// SetDefaults for that.
func Decode(data []byte) (runtime.Object, error) {
	obj, gvk, err := strictSerializer.Decode(data, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", describe(gvk), err)
	}
	return obj, nil
}

// DecodeAll decodes a stream of YAML documents separated by "---" (or one
// JSON document), strictly, as Decode does. Empty documents are skipped. The
// error names the document's index.
func DecodeAll(r io.Reader) ([]runtime.Object, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(r))
	var objs []runtime.Object
	for i := 0; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read document %d: %w", i, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 || isCommentOnly(doc) {
			continue
		}
		obj, err := Decode(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		objs = append(objs, obj)
	}
}

// DecodeInto decodes one manifest strictly into obj, which must be a pointer
// to one of this package's kinds matching the manifest's kind.
func DecodeInto(data []byte, obj runtime.Object) error {
	got, gvk, err := strictSerializer.Decode(data, nil, obj)
	if err != nil {
		return fmt.Errorf("decode %s: %w", describe(gvk), err)
	}
	if got != obj {
		return fmt.Errorf("decode %s: manifest kind does not match %T", describe(gvk), obj)
	}
	return nil
}

func describe(gvk *schema.GroupVersionKind) string {
	if gvk == nil || gvk.Kind == "" {
		return "manifest"
	}
	return gvk.Kind
}

func isCommentOnly(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' {
			return false
		}
	}
	return true
}
