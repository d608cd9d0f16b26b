package e2e

import (
	"os"
	"testing"

	"github.com/dpsdk/dataprotection/internal/testenv/s3env"
)

// TestMain stops the S3 server the repository tests start.
func TestMain(m *testing.M) { os.Exit(s3env.RunMain(m)) }
