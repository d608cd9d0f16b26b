package envvar_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
)

// sources is an in-memory Sources that counts its reads.
type sources struct {
	secrets    map[string]map[string]string
	configMaps map[string]map[string]string
	reads      int
}

func (s *sources) Secret(_ context.Context, name string) (map[string][]byte, error) {
	s.reads++
	data, ok := s.secrets[name]
	if !ok {
		return nil, drivers.Errorf(drivers.NotFound, "secret %s not found", name)
	}
	out := map[string][]byte{}
	for k, v := range data {
		out[k] = []byte(v)
	}
	return out, nil
}

func (s *sources) ConfigMap(_ context.Context, name string) (map[string]string, error) {
	s.reads++
	data, ok := s.configMaps[name]
	if !ok {
		return nil, drivers.Errorf(drivers.NotFound, "config map %s not found", name)
	}
	return data, nil
}

func testSources() *sources {
	return &sources{
		secrets: map[string]map[string]string{
			"db":   {"password": "pa$$(w)", "username": "admin"},
			"bulk": {"TOKEN": "tok-1", "bad name": "skipped", "1LEADING": "skipped", "dotted.key": "kept"},
		},
		configMaps: map[string]map[string]string{"cfg": {"MODE": "fast", "LEVEL": "3"}},
	}
}

func secretRef(name, key string, optional bool) *corev1.EnvVarSource {
	return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key, Optional: ptr.To(optional)}}
}

func TestResolveFollowsTheKubelet(t *testing.T) {
	src := testSources()
	r := &envvar.Resolver{Sources: src, Fields: envvar.PodFields(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Name: "db-0", Namespace: "ns", Labels: map[string]string{"app": "pg"}}})}
	env, err := r.Resolve(context.Background(), []corev1.EnvVar{
		{Name: "CFG_LEVEL", Value: "env-wins"},
		{Name: "DB_PASSWORD", ValueFrom: secretRef("db", "password", false)},
		{Name: "CONN", Value: "$(DB_USER)@$(POD):$(DB_PASSWORD) $$(POD) $(LATER)"},
		{Name: "DB_USER", ValueFrom: secretRef("db", "username", false)},
		{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
		{Name: "APP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels['app']"}}},
		{Name: "REF", Value: "$(DB_USER)@$(POD)"},
		{Name: "ABSENT", ValueFrom: secretRef("db", "nope", true)},
		{Name: "LATER", Value: "x"},
		{Name: "TOKEN", Value: "redefined in place"},
	}, []corev1.EnvFromSource{
		{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "bulk"}}},
		{Prefix: "CFG_", ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}},
		{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "gone"}, Optional: ptr.To(true)}},
	})
	require.NoError(t, err)
	assert.Equal(t, []envvar.Var{
		{Name: "TOKEN", Value: "redefined in place"}, {Name: "dotted.key", Value: "kept"},
		{Name: "CFG_LEVEL", Value: "env-wins"}, {Name: "CFG_MODE", Value: "fast"},
		{Name: "DB_PASSWORD", Value: "pa$$(w)"},
		{Name: "CONN", Value: "$(DB_USER)@$(POD):pa$$(w) $(POD) $(LATER)"},
		{Name: "DB_USER", Value: "admin"}, {Name: "POD", Value: "db-0"}, {Name: "APP", Value: "pg"},
		{Name: "REF", Value: "admin@db-0"}, {Name: "LATER", Value: "x"},
	}, env.Vars(), "envFrom first (sorted, invalid names skipped), env wins in place; references see only earlier variables; a secret's value is never expanded")
	assert.Equal(t, "admin@db-0 $(NOPE)", env.Expand("$(REF) $(NOPE)"))
	assert.Equal(t, 4, src.reads, "each source read once: bulk, cfg, gone, db")

	step, err := r.Extend(context.Background(), env, []corev1.EnvVar{{Name: "POD", Value: "step-$(POD)"}, {Name: "S", Value: "$(POD)"}})
	require.NoError(t, err)
	s, _ := step.Lookup("S")
	assert.Equal(t, "step-db-0", s, "a step's variables see the task's and their own earlier ones")
	pod, _ := env.Lookup("POD")
	assert.Equal(t, "db-0", pod, "Extend leaves the base alone")

	red := r.Redactor()
	assert.Equal(t, "[REDACTED]/[REDACTED]/[REDACTED]/[REDACTED]/fast", red.String("admin/tok-1/pa$$(w)/kept/fast"),
		"values from secrets, by key or envFrom, are redacted; config maps are not")
}

func TestResolveErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		env     []corev1.EnvVar
		envFrom []corev1.EnvFromSource
		code    drivers.Code
	}{
		"missing secret":     {env: []corev1.EnvVar{{Name: "P", ValueFrom: secretRef("gone", "password", false)}}, code: drivers.FailedPrecondition},
		"missing key":        {env: []corev1.EnvVar{{Name: "P", ValueFrom: secretRef("db", "nope", false)}}, code: drivers.FailedPrecondition},
		"missing config map": {envFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "gone"}}}}, code: drivers.FailedPrecondition},
		"unknown field":      {env: []corev1.EnvVar{{Name: "F", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nope"}}}}, code: drivers.InvalidArgument},
		"resource field": {env: []corev1.EnvVar{{Name: "CPU", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu"}}}},
			code: drivers.InvalidArgument},
		"empty envFrom source": {envFrom: []corev1.EnvFromSource{{Prefix: "X"}}, code: drivers.InvalidArgument},
	} {
		t.Run(name, func(t *testing.T) {
			r := &envvar.Resolver{Sources: testSources(), Fields: envvar.PodFields(&corev1.Pod{})}
			_, err := r.Resolve(context.Background(), tc.env, tc.envFrom)
			require.Error(t, err)
			assert.Equal(t, tc.code, drivers.ErrorCode(err), "%v", err)
		})
	}
	_, err := (&envvar.Resolver{}).Resolve(context.Background(), []corev1.EnvVar{{Name: "P", ValueFrom: secretRef("db", "password", false)}}, nil)
	assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "without Sources a secret is missing: %v", err)
}

func TestLocalizeRewritesOnlyLiteralValues(t *testing.T) {
	r := &envvar.Resolver{Sources: testSources(), Localize: func(s string) string { return "L:" + s }}
	env, err := r.Resolve(context.Background(), []corev1.EnvVar{{Name: "A", Value: "a"},
		{Name: "U", ValueFrom: secretRef("db", "username", false)}, {Name: "B", Value: "$(U)"}}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"A=L:a", "U=admin", "B=L:admin"}, env.Environ())
}

func TestPodFields(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u", Annotations: map[string]string{"a": "b"}},
		Spec:   corev1.PodSpec{NodeName: "n", ServiceAccountName: "sa"},
		Status: corev1.PodStatus{PodIP: "10.0.0.1", PodIPs: []corev1.PodIP{{IP: "10.0.0.1"}, {IP: "fd00::1"}}}}
	f := envvar.PodFields(pod)
	for path, want := range map[string]string{"metadata.name": "p", "metadata.namespace": "ns", "metadata.uid": "u",
		"metadata.annotations['a']": "b", "metadata.labels['x']": "", "spec.nodeName": "n", "spec.serviceAccountName": "sa",
		"status.podIP": "10.0.0.1", "status.podIPs": "10.0.0.1,fd00::1", "status.hostIP": ""} {
		got, ok := f(path)
		assert.True(t, ok, path)
		assert.Equal(t, want, got, path)
	}
	_, ok := f("metadata.labels")
	assert.False(t, ok)
}

func TestTargetFieldsAnswerOnlyWhatATargetSays(t *testing.T) {
	f := envvar.TargetFields("db-0", "ns", "node-a", map[string]string{"app": "pg"})
	for path, want := range map[string]string{"metadata.name": "db-0", "metadata.namespace": "ns", "spec.nodeName": "node-a",
		"metadata.labels['app']": "pg"} {
		got, ok := f(path)
		assert.True(t, ok, path)
		assert.Equal(t, want, got, path)
	}
	for _, path := range []string{"status.podIP", "metadata.uid", "metadata.annotations['a']"} {
		_, ok := f(path)
		assert.False(t, ok, path)
	}
}
