// Package csi is the driver of snapshot backups: it backs up a target's
// PersistentVolumeClaims as CSI VolumeSnapshots (snapshot.storage.k8s.io/v1,
// through the external-snapshotter client) and restores them as new claims
// whose dataSource is the snapshot.
//
// The driver runs these tasks, all of backup type snapshot:
//
//   - backup: one VolumeSnapshot per claim of Task.Snapshot.Claims, in the
//     target's namespace (Task.Target.Namespace, else Task.Owner.Namespace).
//     The first is named exactly Task.Snapshot.Name, the claim at index i > 0
//     Name + "-" + i (see [SnapshotName]). The task is Running until every
//     snapshot has status.readyToUse, Failed at once when one reports
//     status.error, and Failed with DeadlineExceeded past Task.Deadline; when
//     it succeeds it reports each snapshot (name, bound VolumeSnapshotContent,
//     source claim, restore size) and their total restore size.
//   - restore: one claim per name of Task.Snapshot.Claims, the claim at index
//     i restored from the snapshot [SnapshotName](Task.Snapshot.Name, i). Its
//     size is the snapshot's restoreSize (else the source claim's request);
//     its storage class, access modes and volume mode are the source claim's
//     when it still exists (else ReadWriteOnce and the default class). The
//     task succeeds once the claims exist: binding them is the provisioner's
//     work, which the driver does not wait for. Restored claims carry no
//     owner reference, so they outlive the RestoreJob.
//   - delete-artifacts: deletes the Backup's VolumeSnapshots (those that
//     carry its UID, as label [v1alpha1.LabelOwnerUID] or owner reference, and the one
//     named Task.Snapshot.Name when it carries the Backup's name label and no
//     other Backup's UID, as the upstream controller made them) and succeeds
//     once they are gone. Whether the storage system's snapshot goes with
//     them is the VolumeSnapshotClass's deletionPolicy.
//   - hook and status-update, when the driver has a [PodExecutor]
//     ([Options].PodExec, or pod exec through the API server with
//     [Options].RESTConfig): each step's commands run in Task.Container of
//     the target (empty: its first container) by the same pod exec runner
//     as the Job driver's (internal/podexec): the environment resolved as
//     the kubelet would and passed on standard input, everything reported
//     redacted, a status update's standard output its Output when it is
//     a JSON object, and each task recorded in a ConfigMap named by its ID,
//     so that a restart neither loses nor reruns it.
//
// The snapshot class is Task.Snapshot.ClassName, else
// [Options].SnapshotClassName, else none (the cluster's default class).
//
// # State, restarts and idempotency
//
// A backup or restore task keeps its state in the cluster: every object it
// creates carries the label [v1alpha1.LabelTaskID], so Status, Cancel and Cleanup work
// from a new Driver after a restart (they list by that label, across all
// namespaces when the task is not known in memory). Start is idempotent on
// the task ID: it adopts the objects labelled with it and creates the
// missing ones. A task whose objects are incomplete (the process died half
// way through Start) is reported NotFound, so that the engine starts it
// again and Start completes it. A VolumeSnapshot left by an earlier attempt
// of the same Backup (same owner UID, another task ID) is deleted and made
// again; one that belongs to anything else is an AlreadyExists error.
// Delete-artifacts tasks are tracked in memory only: after a restart they
// are NotFound and started again (a delete is idempotent). Hook and
// status-update tasks are recorded in the cluster (see above).
//
// A failed or cancelled backup task deletes its VolumeSnapshots that are not
// ready, so that the snapshot controller stops retrying them, and marks the
// others so that the failure is stable (when none is left, the failure is
// kept in memory only: after a restart the task is NotFound, and started
// again if the engine had not recorded the failure yet). Cleanup deletes the snapshots that
// are not ready and removes the driver's labels from the rest: it never
// deletes a usable snapshot, so a completed backup's data is only ever
// deleted by its delete-artifacts task.
//
// # Owner references and permissions
//
// VolumeSnapshots get a non-controller owner reference to their Backup
// (dataprotection.kubeblocks.io/v1alpha1) when they live in its namespace.
// Hosts whose Backups are not stored in the same cluster (an embedded store)
// must set [Options].OmitOwnerReferences: the garbage collector deletes
// objects whose owner does not exist.
//
// The driver's identity needs, on volumesnapshots.snapshot.storage.k8s.io:
// get, list, create, patch and delete; on persistentvolumeclaims: get, list,
// create and patch; for hooks and status updates, pods/exec, secrets and
// configmaps get, and configmaps create, update, delete and list. Listing
// across all namespaces is needed only to find a task's objects after a
// restart.
package csi
