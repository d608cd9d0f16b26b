package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	"github.com/dpsdk/dataprotection/retention"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// errTerminal marks a problem with the Backup's inputs that no retry fixes.
type errTerminal struct{ reason, msg string }

func (e *errTerminal) Error() string { return e.msg }

func terminal(reason, format string, args ...any) error {
	return &errTerminal{reason: reason, msg: fmt.Sprintf(format, args...)}
}

// backupInputs gathers what policy.ResolveBackup needs. A problem with the
// inputs is an *errTerminal; other errors are transient.
type backupInputs struct {
	policy.BackupInputs
	ttl    time.Duration
	hasTTL bool
	// retries is how many times a failed run is retried (onFailAttempted,
	// clamped by v1alpha1.Retries).
	retries int
}

// planBackup gathers b's inputs and resolves its plan. When that fails it
// returns a nil in: a terminal problem has failed the Backup (res, err are
// that write's), a transient one is returned as err.
func (e *Executor) planBackup(ctx context.Context, b *v1alpha1.Backup) (*backupInputs, *policy.BackupPlan, Result, error) {
	in, err := e.gatherBackup(ctx, b)
	var term *errTerminal
	if errors.As(err, &term) {
		res, err := e.failBackup(ctx, b, term.reason, term.msg)
		return nil, nil, res, err
	}
	if w := (*errWaiting)(nil); errors.As(err, &w) {
		if w.event != "" {
			out, err := e.store.Backups().Update(ctx, b)
			if err != nil {
				return nil, nil, Result{}, err
			}
			e.events.Eventf(out, corev1.EventTypeNormal, "WaitingForPolicy", "%s", w.event)
		}
		return nil, nil, w.res, nil
	}
	if err != nil {
		return nil, nil, Result{}, err
	}
	plan, err := policy.ResolveBackup(in.BackupInputs)
	if err != nil {
		reason := "InvalidBackup"
		if re := (*policy.ReasonError)(nil); errors.As(err, &re) {
			reason = re.Reason
		}
		res, err := e.failBackup(ctx, b, reason, err.Error())
		return nil, nil, res, err
	}
	return in, plan, Result{}, nil
}

// startBackup records the target and driver on a New Backup, then marks it
// InProgress; each is one write. A Backup that a concurrency limit holds
// back waits between the two (admitBackup).
func (e *Executor) startBackup(ctx context.Context, b *v1alpha1.Backup) (Result, error) {
	in, plan, res, err := e.planBackup(ctx, b)
	if in == nil {
		return res, err
	}
	if e.recordPlan(b, in, plan) {
		_, err := e.store.Backups().Update(ctx, b)
		return Result{}, err
	}
	// The probe comes before the admission, whose lock it must not hold
	// through a network call; a waiting Backup probes at each recheck.
	if ok, res, err := e.probeRepository(ctx, b, in, plan); !ok {
		return res, err
	}
	adm, err := e.admitBackup(ctx, b, in.Policy, in.Target.Node)
	if adm.wait || err != nil {
		return adm.res, err
	}
	defer adm.release()
	now := metav1.NewTime(e.now())
	out, err := e.updateBackupStatus(ctx, b, func(s *v1alpha1.BackupStatus) {
		s.Phase = v1alpha1.BackupInProgress
		s.StartTimestamp = &now
		s.BackupToolName = plan.ToolName
		s.ParentBackupName = plan.ParentName
		if plan.Storage != nil {
			s.PersistentVolumeClaimName = plan.Storage.ClaimName
		}
		if in.hasTTL {
			s.Expiration = timePtr(metav1.NewTime(now.Add(in.ttl)))
		}
		s.Manifests = startManifests(s.Manifests, in.Target, plan)
	})
	if err != nil {
		return Result{}, err
	}
	e.events.Eventf(out, corev1.EventTypeNormal, "Started", "%s backup started on target %s with driver %s",
		b.Spec.BackupType, in.Target.Name, plan.Driver)
	return Result{}, nil
}

// recordPlan records on b, in memory, what its plan decided before the run
// starts: its repository, target and driver, its tasks and where its data
// will be. It reports whether b changed (then the caller writes it).
func (e *Executor) recordPlan(b *v1alpha1.Backup, in *backupInputs, plan *policy.BackupPlan) bool {
	repoChanged := recordRepository(b, in)
	tasksChanged, dataChanged := e.recordTasks(b, plan.Tasks), e.recordDataPath(b, plan)
	targetChanged := recordTarget(b, in.Target, plan.Driver)
	return repoChanged || targetChanged || tasksChanged || dataChanged
}

func startManifests(m *v1alpha1.ManifestsStatus, t drivers.Target, plan *policy.BackupPlan) *v1alpha1.ManifestsStatus {
	if m == nil {
		m = &v1alpha1.ManifestsStatus{}
	}
	target, _ := json.Marshal(map[string]string{"name": t.Name, "namespace": t.Namespace})
	m.Target = string(target)
	if plan.BackupDir != "" {
		if m.BackupTool == nil {
			m.BackupTool = &v1alpha1.BackupToolManifestsStatus{}
		}
		m.BackupTool.FilePath = plan.BackupDir
		if plan.RepositoryKey != "" {
			m.BackupTool.FilePath = plan.RepositoryKey
		}
	}
	return m
}

// gatherBackup reads the policy, tool, parent and targets of b.
func (e *Executor) gatherBackup(ctx context.Context, b *v1alpha1.Backup) (*backupInputs, error) {
	v1alpha1.SetDefaultsBackup(b)
	if errs := v1alpha1.ValidateBackup(b); len(errs) > 0 {
		return nil, terminal("InvalidBackup", "%s", v1alpha1.ErrorsMessage(errs))
	}
	p, err := e.backupPolicy(ctx, b, b.Status.Phase != v1alpha1.BackupInProgress)
	if err != nil {
		return nil, err
	}
	retries := v1alpha1.Retries(p.BasePolicyFor(b.Spec.BackupType).OnFailAttempted)
	in := &backupInputs{retries: retries, BackupInputs: policy.BackupInputs{Backup: b, Policy: p,
		Attempt: attemptOf(b, v1alpha1.AnnotationAttempt, retries), Claims: e.claims}}
	if in.ttl, in.hasTTL, err = retention.TTL(p); err != nil {
		return nil, terminal("InvalidPolicy", "BackupPolicy %q: %v", p.Name, err)
	}
	if err := e.gatherTool(ctx, in); err != nil {
		return nil, err
	}
	if err := e.gatherParent(ctx, in); err != nil {
		return nil, err
	}
	if err := e.gatherRepository(in); err != nil {
		return nil, err
	}
	return in, e.gatherTarget(ctx, in)
}

// backupPolicy returns b's policy. A missing policy fails the Backup. When
// ready is set (a Backup not started yet), the policy must be Available for
// its current generation: a Failed policy fails the Backup, one not validated
// yet is a transient error. A running Backup finishes with the policy as it
// is.
func (e *Executor) backupPolicy(ctx context.Context, b *v1alpha1.Backup, ready bool) (*v1alpha1.BackupPolicy, error) {
	p, err := e.store.BackupPolicies().Get(ctx, b.Namespace, b.Spec.BackupPolicyName)
	if drivers.IsNotFound(err) && ready {
		return nil, e.awaitPolicy(b)
	}
	if drivers.IsNotFound(err) {
		return nil, terminal("PolicyNotFound", "BackupPolicy %q not found", b.Spec.BackupPolicyName)
	}
	if err != nil {
		return nil, err
	}
	policyFound(b)
	switch {
	case !ready:
	case p.Status.Phase == v1alpha1.PolicyFailed:
		if retry, err := e.retryingPolicy(ctx, p); retry || err != nil {
			return nil, errors.Join(fmt.Errorf("BackupPolicy %q waits for its driver: %s", p.Name, p.Status.FailureReason), err)
		}
		return nil, terminal("PolicyFailed", "BackupPolicy %q is Failed: %s", p.Name, p.Status.FailureReason)
	case p.Status.Phase != v1alpha1.PolicyAvailable || p.Status.ObservedGeneration != p.Generation:
		return nil, fmt.Errorf("BackupPolicy %q is not validated yet", p.Name)
	}
	if !p.HasPolicyFor(b.Spec.BackupType) {
		return nil, terminal("InvalidBackup", "BackupPolicy %q has no %s policy", p.Name, b.Spec.BackupType)
	}
	v1alpha1.SetDefaultsBackupPolicy(p)
	return p, nil
}

func (e *Executor) gatherTool(ctx context.Context, in *backupInputs) error {
	c := in.Policy.CommonPolicyFor(in.Backup.Spec.BackupType)
	if c == nil {
		return nil
	}
	tool, err := e.store.BackupTools().Get(ctx, "", c.BackupToolName)
	if drivers.IsNotFound(err) {
		return terminal("ToolNotFound", "BackupTool %q not found", c.BackupToolName)
	}
	if err == nil {
		v1alpha1.SetDefaultsBackupTool(tool)
		in.Tool = tool
		if tool.Spec.DeployKind != v1alpha1.DeployKindDaemon {
			in.Deadline = e.deadline(in.Backup)
		}
		return nil
	}
	return err
}

func (e *Executor) gatherParent(ctx context.Context, in *backupInputs) error {
	name := in.Backup.Spec.ParentBackupName
	if name == "" {
		return nil
	}
	p, err := e.store.Backups().Get(ctx, in.Backup.Namespace, name)
	if drivers.IsNotFound(err) {
		return terminal("ParentNotFound", "parent backup %q not found", name)
	}
	in.Parent = p
	return err
}

func (e *Executor) gatherTarget(ctx context.Context, in *backupInputs) error {
	base := in.Policy.BasePolicyFor(in.Backup.Spec.BackupType)
	sel, err := metav1.LabelSelectorAsSelector(base.Target.LabelsSelector)
	if err != nil {
		return terminal("InvalidPolicy", "labelsSelector: %v", err)
	}
	candidates, err := e.targets.Targets(ctx, in.Backup.Namespace, sel)
	if err != nil {
		return fmt.Errorf("resolve targets: %w", err)
	}
	in.Target, err = policy.SelectTarget(in.Backup, candidates)
	if err != nil {
		return terminal("NoTarget", "%v", err)
	}
	if in.Backup.Spec.BackupType == v1alpha1.BackupTypeSnapshot {
		in.Deadline = e.deadline(in.Backup)
	}
	return nil
}

// deadline is the end of the backup's run: start + BackupTimeout.
func (e *Executor) deadline(b *v1alpha1.Backup) time.Time {
	start := e.now()
	if b.Status.StartTimestamp != nil {
		start = b.Status.StartTimestamp.Time
	}
	return start.Add(e.opts.BackupTimeout)
}
