package csi_test

import (
	"context"
	"fmt"

	snapshotfake "github.com/kubernetes-csi/external-snapshotter/client/v6/clientset/versioned/fake"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
)

// A host registers the driver as the snapshot driver. In a cluster the
// clientsets come from the host's rest.Config (kubernetes.NewForConfig and
// the external-snapshotter's versioned.NewForConfig); fakes stand in here.
func ExampleNew() {
	d, err := csi.New(kubefake.NewClientset(), snapshotfake.NewSimpleClientset(), csi.Options{
		SnapshotClassName: "csi-hostpath-snapclass", // when the task names none
	})
	if err != nil {
		panic(err)
	}
	registry := drivers.Registry{drivers.NameSnapshot: d}

	caps, _ := d.Capabilities(context.Background())
	fmt.Println(registry.Names(), caps.Kinds, caps.BackupTypes)
	// Output: [snapshot] [backup restore delete-artifacts] [snapshot]
}

// A snapshot backup of three claims makes three VolumeSnapshots; a restore
// of three claims reads the same three.
func ExampleSnapshotName() {
	for i := range 3 {
		fmt.Println(csi.SnapshotName("pg-snapshot-20261125", i))
	}
	// Output:
	// pg-snapshot-20261125
	// pg-snapshot-20261125-1
	// pg-snapshot-20261125-2
}
