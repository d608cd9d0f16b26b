package job_test

import (
	"fmt"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/job"
	"github.com/dpsdk/dataprotection/kubehost"
	"github.com/dpsdk/dataprotection/store/kube"
)

// The package documentation's registration: the Job driver for both
// deployKinds, pods as targets (compiled, not run: it needs a cluster).
func ExampleNew() {
	setup := func(restConfig *rest.Config) error {
		clientset, err := kubernetes.NewForConfig(restConfig)
		if err != nil {
			return err
		}
		st, err := kube.New(restConfig, kube.Options{})
		if err != nil {
			return err
		}
		d, err := job.New(clientset, job.Options{RESTConfig: restConfig})
		if err != nil {
			return err
		}
		engine, err := dataprotection.New(dataprotection.Config{
			Store:   st,
			Drivers: drivers.Registry{drivers.NameJob: d, drivers.NameDaemon: d},
			Targets: kubehost.PodsFromClient(clientset),
		})
		if err != nil {
			return err
		}
		fmt.Println(engine != nil)
		return nil
	}
	_ = setup
}
