package job

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
)

// scriptResult is the JSON a Job's script writes to its termination
// message (at most 4096 bytes, the kubelet's limit):
//
//	{"v":1,"exitCode":0,
//	 "fileCount":2,"totalSize":3072,"sha256":"<hex>",
//	 "artifacts":[{"path":"a/b.dump","size":2048,"sha256":"<hex>"},...],
//	 "output":"<last line of standard output, when it looks like a JSON object>"}
//
// fileCount, totalSize and sha256 describe the files under BACKUP_DIR after
// a backup succeeded; sha256 is the hex of drivers.AggregateChecksum of the
// files sorted by path (for one file, its own; none when there is none),
// which scripts/report.awk computes. artifacts lists them when the list
// fits; else only the summary is there. A failed run has failed (which step and
// command) and logTail (the end of standard error, or of standard output);
// outputOmitted is the length of an output line too long to keep.
type scriptResult struct {
	Version       int              `json:"v"`
	ExitCode      int              `json:"exitCode"`
	Failed        string           `json:"failed,omitempty"`
	FileCount     *int             `json:"fileCount,omitempty"`
	TotalSize     int64            `json:"totalSize,omitempty"`
	SHA256        string           `json:"sha256,omitempty"`
	Artifacts     []scriptArtifact `json:"artifacts,omitempty"`
	Output        string           `json:"output,omitempty"`
	OutputOmitted int              `json:"outputOmitted,omitempty"`
	LogTail       string           `json:"logTail,omitempty"`
}

type scriptArtifact struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// parseResult parses a termination message. ok is false when the message
// is not the script's JSON (FallbackToLogsOnError put the end of the log
// there because the script never wrote it).
func parseResult(message string) (r scriptResult, ok bool) {
	msg := strings.TrimSpace(message)
	if !strings.HasPrefix(msg, "{") {
		return r, false
	}
	if err := json.Unmarshal([]byte(msg), &r); err != nil || r.Version != 1 {
		return scriptResult{}, false
	}
	return r, true
}

// applyTo fills a succeeded task's artifacts, total size and output. When
// the message could only summarize the files, the summary is one artifact
// "." of the whole directory whose checksum is the aggregate checksum of
// the full list, so drivers.AggregateChecksum gives the same either way.
func (r *scriptResult) applyTo(st *drivers.TaskStatus) {
	st.TotalSize = r.TotalSize
	for _, a := range r.Artifacts {
		st.Artifacts = append(st.Artifacts, drivers.Artifact{Path: a.Path, Size: a.Size, Checksum: "sha256:" + a.SHA256})
	}
	sort.Slice(st.Artifacts, func(i, j int) bool { return st.Artifacts[i].Path < st.Artifacts[j].Path })
	if len(r.Artifacts) == 0 && r.FileCount != nil && *r.FileCount > 0 && r.SHA256 != "" {
		st.Artifacts = []drivers.Artifact{{Path: ".", Size: r.TotalSize, Checksum: "sha256:" + r.SHA256}}
	}
	if out := jsonObject(r.Output); out != nil {
		st.Output = out
	} else if r.OutputOmitted > 0 {
		st.OutputSize = int64(r.OutputOmitted) // a line that looked like a JSON object, too long for the message
	}
}

// failure describes a failed run: what failed, with which status.
func (r *scriptResult) failure() string {
	if r.Failed != "" {
		return fmt.Sprintf("%s failed with exit status %d", r.Failed, r.ExitCode)
	}
	return fmt.Sprintf("exit status %d", r.ExitCode)
}

// jsonObject returns s as bytes when it is one JSON object, else nil.
func jsonObject(s string) []byte {
	b := bytes.TrimSpace([]byte(s))
	if len(b) == 0 || b[0] != '{' || !json.Valid(b) {
		return nil
	}
	return b
}
