package s3env

import (
	"regexp"
	"testing"
)

func TestBucketName(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	for name, prefix := range map[string]string{
		"TestUpload":             "testupload-",
		"TestUpload/big_file#01": "testupload-big-file-01-",
		"":                       "test-",
		"TestAVeryLongNameThatGoesOnAndOn/with_a_subtest": "testaverylongnamethatgoesonandon-with-a-",
	} {
		got := bucketName(name)
		if len(got) != len(prefix)+8 || got[:len(prefix)] != prefix || !valid.MatchString(got) {
			t.Errorf("bucketName(%q) = %q, want %q and eight random characters", name, got, prefix)
		}
	}
}
