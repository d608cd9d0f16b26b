package local_test

import (
	"fmt"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
)

// The package documentation's registration: the local driver for both
// deployKinds (compiled, not run: it writes under /var/lib).
func Example_registry() {
	setup := func() error {
		d, err := local.New(local.Options{Root: "/var/lib/backups", Secrets: local.SecretDir("/etc/dp/secrets")})
		if err != nil {
			return err
		}
		registry := drivers.Registry{drivers.NameJob: d, drivers.NameDaemon: d}
		fmt.Println(registry.Names())
		return nil
	}
	_ = setup
}
