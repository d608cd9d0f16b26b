package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
	sigsjson "sigs.k8s.io/json"
)

// maxStatusUpdateOutput bounds the JSON a status update may write.
const maxStatusUpdateOutput = 64 << 10

// ApplyStatusUpdate merges a status update script's JSON output (an object)
// into status at path, a dot-separated list of field names under status
// ("" merges into status itself): fields of the output replace the same
// fields there, others are kept (a JSON merge of objects, recursively). The
// result must decode strictly into a BackupStatus, so an unknown field, a
// wrong type or output that is not a JSON object is an error and status is
// left unchanged. The phase, timestamps and failureReason, which the engine
// owns, cannot be written.
func ApplyStatusUpdate(status *v1alpha1.BackupStatus, path string, output []byte) error {
	output = bytes.TrimSpace(output)
	if len(output) > maxStatusUpdateOutput {
		return fmt.Errorf("status update output is %d bytes, more than %d", len(output), maxStatusUpdateOutput)
	}
	var patch map[string]any
	if err := json.Unmarshal(output, &patch); err != nil || patch == nil {
		return fmt.Errorf("status update output is not a JSON object: %q", truncate(output, 120))
	}
	current, err := toMap(status)
	if err != nil {
		return err
	}
	if err := mergeAt(current, path, patch); err != nil {
		return err
	}
	var next v1alpha1.BackupStatus
	if err := decodeStrict(current, &next); err != nil {
		return fmt.Errorf("status update at %q: %w", displayPath(path), err)
	}
	if err := checkEngineOwned(status, &next); err != nil {
		return err
	}
	*status = next
	return nil
}

func toMap(status *v1alpha1.BackupStatus) (map[string]any, error) {
	data, err := json.Marshal(status)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	return m, json.Unmarshal(data, &m)
}

// mergeAt merges patch into the object at path within root, creating
// intermediate objects.
func mergeAt(root map[string]any, path string, patch map[string]any) error {
	node := root
	if path != "" {
		for _, key := range strings.Split(path, ".") {
			child, ok := node[key].(map[string]any)
			if !ok {
				if _, exists := node[key]; exists && node[key] != nil {
					return fmt.Errorf("status update path %q: %q is not an object", path, key)
				}
				child = map[string]any{}
				node[key] = child
			}
			node = child
		}
	}
	merge(node, patch)
	return nil
}

func merge(dst, src map[string]any) {
	for k, v := range src {
		sv, srcObj := v.(map[string]any)
		dv, dstObj := dst[k].(map[string]any)
		if srcObj && dstObj {
			merge(dv, sv)
			continue
		}
		dst[k] = v
	}
}

func decodeStrict(m map[string]any, into *v1alpha1.BackupStatus) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	strict, err := sigsjson.UnmarshalStrict(data, into)
	if err != nil {
		return err
	}
	if len(strict) > 0 {
		return strict[0]
	}
	return nil
}

func checkEngineOwned(before, after *v1alpha1.BackupStatus) error {
	switch {
	case before.Phase != after.Phase:
		return fmt.Errorf("status update may not write phase")
	case !before.StartTimestamp.Equal(after.StartTimestamp), !before.CompletionTimestamp.Equal(after.CompletionTimestamp):
		return fmt.Errorf("status update may not write startTimestamp or completionTimestamp")
	case before.FailureReason != after.FailureReason:
		return fmt.Errorf("status update may not write failureReason")
	}
	return nil
}

func displayPath(p string) string {
	if p == "" {
		return "status"
	}
	return "status." + p
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "..."
}
