package csi

import (
	"github.com/dpsdk/dataprotection/internal/podexec"
)

// PodExecutor runs a command in a container of a running pod: the
// transport of hook and status-update tasks. It is the type the Job driver
// takes too (job.PodExecutor), so a host passes one executor to both.
type PodExecutor = podexec.Executor

// ExecRequest is one command a PodExecutor runs (job.ExecRequest).
type ExecRequest = podexec.Request

// ExecResult is what a command that ran reported (job.ExecResult).
type ExecResult = podexec.Result

// hookRunner is the runner of hook and status-update tasks of opts, or nil
// when it has no PodExecutor.
func (d *Driver) hookRunner() *podexec.Runner {
	exec := d.opts.PodExec
	if exec == nil && d.opts.RESTConfig != nil {
		exec = podexec.NewKube(d.opts.RESTConfig)
	}
	if exec == nil {
		return nil
	}
	return podexec.New(d.kube, podexec.Options{Exec: exec, OwnerReferences: !d.opts.OmitOwnerReferences,
		Logger: d.log.WithName("podexec"), Clock: d.opts.Clock})
}
