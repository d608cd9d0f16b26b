package testenv

import "testing"

func TestNamespacePrefix(t *testing.T) {
	for name, want := range map[string]string{
		"TestBackup":             "testbackup-",
		"TestBackup/full_run#01": "testbackup-full-run-01-",
		"Test__X":                "test-x-",
		"":                       "test-",
		"TestAVeryLongNameThatGoesOnAndOn/with_a_subtest": "testaverylongnamethatgoesonandon-with-a-",
	} {
		if got := namespacePrefix(name); got != want {
			t.Errorf("namespacePrefix(%q) = %q, want %q", name, got, want)
		}
	}
}
