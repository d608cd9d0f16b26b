package testkubelet_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/dpsdk/dataprotection/internal/testkubelet"
)

func pod(command string, args ...string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p-0", Namespace: "ns"},
		Spec: corev1.PodSpec{Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "claim"}}}},
			Containers: []corev1.Container{{Name: "task", Command: []string{"sh", "-c", command}, Args: args,
				Env: []corev1.EnvVar{
					{Name: "DIR", Value: "/mnt/data/sub"},
					{Name: "PASS", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
						LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}},
					{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
				},
				VolumeMounts:             []corev1.VolumeMount{{Name: "data", MountPath: "/mnt/data"}},
				TerminationMessagePath:   "/dev/termination-log",
				TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError}}}}
}

// The node resolves the environment, expands $(VAR) in the command and
// args as the kubelet does, maps the claim to a directory and reads the
// termination message back.
func TestLocalRunsAContainerAsTheKubeletWould(t *testing.T) {
	client := kubefake.NewClientset(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "db"},
		Data: map[string][]byte{"password": []byte("pw'1")}})
	root := t.TempDir()
	node := testkubelet.Local{Client: client, Root: root}
	p := pod(`mkdir -p "$DIR" && printf '%s|%s|%s' "$1" "$PASS" "$(cat /dev/null)" > "$DIR/out" && echo '{"ok":1}' > /dev/termination-log`,
		"sh", "$(POD)-$(PASS)-$$(POD)")
	term, err := node.Run(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, int32(0), term.ExitCode)
	assert.Equal(t, "{\"ok\":1}\n", term.Message)
	out, err := os.ReadFile(filepath.Join(root, "claim", "sub", "out"))
	require.NoError(t, err)
	assert.Equal(t, "p-0-pw'1-$(POD)|pw'1|", string(out))

	term, err = node.Run(context.Background(), pod(`echo "it failed" >&2; exit 3`))
	require.NoError(t, err)
	assert.Equal(t, int32(3), term.ExitCode)
	assert.Equal(t, "it failed\n", term.Message, "FallbackToLogsOnError")
}
