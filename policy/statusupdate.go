package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsjson "sigs.k8s.io/json"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// MaxStatusUpdateOutput bounds the JSON output, in bytes, that a status
// update or a tool's manifest may write into a Backup's status.
const MaxStatusUpdateOutput = 64 << 10

// TaskOutput returns the JSON output st reports for a status update
// (required) or a backup tool's manifest, or an error that says why there
// is no usable one: its size and the limit MaxStatusUpdateOutput when it
// is larger, or that it is not a JSON object, quoting its start
// (drivers.TaskStatus.OutputStart: redacted, at most
// drivers.MaxOutputStart bytes). For a tool, whose standard output is
// usually its log, an output that is not an object is no error and nil is
// returned; one that starts like an object (or whose start the driver did
// not keep: the Job driver reports only the size of a line that looked
// like one) but is too large is an error, so that a manifest is never
// dropped without a word.
func TaskOutput(st *drivers.TaskStatus, required bool) ([]byte, error) {
	if len(st.Output) > 0 {
		return st.Output, nil
	}
	start := strings.TrimSpace(st.OutputStart)
	tooLarge := st.OutputSize > MaxStatusUpdateOutput
	switch {
	case tooLarge && (required || start == "" || strings.HasPrefix(start, "{")):
		return nil, fmt.Errorf("output is %d bytes, more than %d", st.OutputSize, MaxStatusUpdateOutput)
	case start == "" && st.OutputSize > 0:
		return nil, fmt.Errorf("output is %d bytes, more than the driver could report", st.OutputSize)
	case !required:
		return nil, nil
	case start == "" && st.OutputSize == 0:
		return nil, fmt.Errorf("output is empty: a status update prints one JSON object")
	}
	return nil, fmt.Errorf("output is not a JSON object: %s", quoteStart(start, st.OutputSize))
}

// quoteStart quotes the start of an output of size bytes (0: unknown),
// with its size: the start may be cut (at drivers.MaxOutputStart bytes),
// and redacted.
func quoteStart(start string, size int64) string {
	if size <= 0 {
		return strconv.Quote(start)
	}
	return fmt.Sprintf("%q (%d bytes in all)", start, size)
}

// ApplyStatusUpdate merges a status update script's JSON output (an object)
// into status at path, a dot-separated list of field names under status
// ("" merges into status itself): fields of the output replace the same
// fields there, others are kept (a JSON merge of objects, recursively). The
// result must decode strictly into a BackupStatus, so an unknown field, a
// wrong type or output that is not a JSON object is an error and status is
// left unchanged. The phase, timestamps and failureReason, which the engine
// owns, cannot be written (an error). Neither can the fields that say where
// the data is and what made it (persistentVolumeClaimName, backupToolName,
// manifests.backupTool.filePath, manifests.backupSnapshot): the update's
// values for them are ignored, so that no tool output steers a deletion or
// a restore (see BackupLocation).
//
// The result is what its JSON says (times written by the update are kept to
// the second, as the API stores them), except that the times the update did
// not change keep their original precision.
func ApplyStatusUpdate(status *v1alpha1.BackupStatus, path string, output []byte) error {
	patch, err := parsePatch(output)
	if err != nil {
		return err
	}
	current, err := toMap(status)
	if err != nil {
		return err
	}
	if err := mergeAt(current, path, patch); err != nil {
		return err
	}
	next, err := decodeCanonical(current)
	if err != nil {
		return fmt.Errorf("status update at %q: %w", displayPath(path), err)
	}
	if err := checkEngineOwned(status, next); err != nil {
		return err
	}
	keepLocation(status, next)
	keepPrecision(status, next)
	*status = *next
	return nil
}

// parsePatch parses a status update's output, which must be a JSON object
// of at most maxStatusUpdateOutput bytes.
func parsePatch(output []byte) (map[string]any, error) {
	output = bytes.TrimSpace(output)
	if len(output) > MaxStatusUpdateOutput {
		return nil, fmt.Errorf("status update output is %d bytes, more than %d", len(output), MaxStatusUpdateOutput)
	}
	var patch map[string]any
	if err := json.Unmarshal(output, &patch); err != nil || patch == nil {
		return nil, fmt.Errorf("status update output is not a JSON object: %q", truncate(output, 120))
	}
	return patch, nil
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

// decodeCanonical decodes m strictly into a BackupStatus, then encodes and
// decodes that again, so that the result is what the API would store (times
// to the second, a zero time as null) and survives its own round trip.
func decodeCanonical(m map[string]any) (*v1alpha1.BackupStatus, error) {
	var first, next v1alpha1.BackupStatus
	if err := decodeStrict(m, &first); err != nil {
		return nil, err
	}
	data, err := json.Marshal(&first)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &next); err != nil {
		return nil, err
	}
	return &next, nil
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

// checkEngineOwned returns an error when after differs from before in a
// field the engine owns. Times are compared as the API stores them, to the
// second.
func checkEngineOwned(before, after *v1alpha1.BackupStatus) error {
	switch {
	case before.Phase != after.Phase:
		return fmt.Errorf("status update may not write phase")
	case !sameSecond(before.StartTimestamp, after.StartTimestamp), !sameSecond(before.CompletionTimestamp, after.CompletionTimestamp):
		return fmt.Errorf("status update may not write startTimestamp or completionTimestamp")
	case before.FailureReason != after.FailureReason:
		return fmt.Errorf("status update may not write failureReason")
	}
	return nil
}

// keepLocation gives after the values of before's location fields.
func keepLocation(before, after *v1alpha1.BackupStatus) {
	after.PersistentVolumeClaimName, after.BackupToolName = before.PersistentVolumeClaimName, before.BackupToolName
	var filePath string
	var snapshot *v1alpha1.BackupSnapshotStatus
	if m := before.Manifests; m != nil {
		snapshot = m.BackupSnapshot.DeepCopy()
		if m.BackupTool != nil {
			filePath = m.BackupTool.FilePath
		}
	}
	if m := after.Manifests; m != nil {
		m.BackupSnapshot = snapshot
		if m.BackupTool != nil {
			m.BackupTool.FilePath = filePath
		}
	}
}

// keepPrecision gives after the original values of the times that are the
// same second in before and after: the JSON round trip truncated them, the
// update did not change them.
func keepPrecision(before, after *v1alpha1.BackupStatus) {
	pairs := [][2]**metav1.Time{
		{&before.Expiration, &after.Expiration},
		{&before.StartTimestamp, &after.StartTimestamp},
		{&before.CompletionTimestamp, &after.CompletionTimestamp},
	}
	if b, a := backupLog(before), backupLog(after); b != nil && a != nil {
		pairs = append(pairs, [2]**metav1.Time{&b.StartTime, &a.StartTime}, [2]**metav1.Time{&b.StopTime, &a.StopTime})
	}
	for _, p := range pairs {
		if sameSecond(*p[0], *p[1]) {
			*p[1] = (*p[0]).DeepCopy()
		}
	}
}

func backupLog(s *v1alpha1.BackupStatus) *v1alpha1.BackupLogStatus {
	if s.Manifests == nil {
		return nil
	}
	return s.Manifests.BackupLog
}

// sameSecond reports whether a and b encode to the same JSON: the same
// second, or both unset (nil or the zero time, which encodes as null).
func sameSecond(a, b *metav1.Time) bool {
	aUnset, bUnset := a == nil || a.IsZero(), b == nil || b.IsZero()
	if aUnset || bUnset {
		return aUnset == bUnset
	}
	return a.Unix() == b.Unix()
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
