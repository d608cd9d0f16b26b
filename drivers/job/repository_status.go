package job

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// transferReport is what `dpctl push-dir` and `dpctl pull-dir` write to
// their termination message (--result): the committed backup, or the
// failure's code and message.
type transferReport struct {
	Version int `json:"v"`
	*drivers.RepositoryResult
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// parseTransfer parses a transfer container's termination message; ok is
// false when it is not dpctl's report (the end of its log, say).
func parseTransfer(message string) (r transferReport, ok bool) {
	msg := strings.TrimSpace(message)
	if err := json.Unmarshal([]byte(msg), &r); err != nil || r.Version != 1 {
		return transferReport{}, false
	}
	return r, true
}

// transferContainers are the names of the Job's transfer containers, in
// the order they run.
func transferContainers(job *batchv1.Job) []string {
	var names []string
	spec := job.Spec.Template.Spec
	for _, c := range append(slices.Clone(spec.InitContainers), spec.Containers...) {
		if c.Name == UploadContainerName || strings.HasPrefix(c.Name, DownloadContainerPrefix) {
			names = append(names, c.Name)
		}
	}
	return names
}

// uploadResult fills a succeeded staged backup's status from its upload
// container's report: the committed backup, and the logical bytes as
// TotalSize. A Job without an upload container changes nothing.
func (d *Driver) uploadResult(ctx context.Context, job *batchv1.Job, st *drivers.TaskStatus) error {
	if !slices.Contains(transferContainers(job), UploadContainerName) {
		return nil
	}
	term, err := d.terminated(ctx, job, UploadContainerName, true)
	if err != nil {
		return err
	}
	var r transferReport
	ok := false
	if term != nil {
		r, ok = parseTransfer(term.Message)
	}
	if !ok || r.RepositoryResult == nil {
		st.Phase, st.ErrorCode = drivers.Failed, drivers.Internal
		st.Message = fmt.Sprintf("Job %s/%s: the upload container reported no result", job.Namespace, job.Name)
		return nil
	}
	st.Repository, st.TotalSize, st.Artifacts = r.RepositoryResult, r.LogicalSize, nil
	return nil
}

// transferFailure adds to parts why a transfer container failed, if one
// did, and gives st the failure's code: what dpctl reported (the
// repository, backup and object, never a secret), or its log's end.
func (d *Driver) transferFailure(ctx context.Context, job *batchv1.Job, st *drivers.TaskStatus, parts []string) ([]string, error) {
	for _, name := range transferContainers(job) {
		term, err := d.terminated(ctx, job, name, false)
		if err != nil {
			return parts, err
		}
		if term == nil || term.ExitCode == 0 {
			continue
		}
		what := "download from repository " + strconv.Quote(job.Annotations[v1alpha1.AnnotationRepository])
		if name == UploadContainerName {
			what = "upload to repository " + strconv.Quote(job.Annotations[v1alpha1.AnnotationRepository])
		}
		r, ok := parseTransfer(term.Message)
		if !ok {
			st.LogTail = strings.TrimSpace(term.Message)
			return append(parts, what+": "+containerFailure(term)), nil
		}
		if code, ok := drivers.ParseCode(r.Code); ok && st.ErrorCode == drivers.Unknown {
			st.ErrorCode = code
		}
		return append(parts, what+": "+r.Message), nil
	}
	return parts, nil
}
