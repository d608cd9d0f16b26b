package envvar_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/internal/envvar"
)

// A secret with a quote, a backslash or non-ASCII is escaped in JSON text;
// redaction works on the decoded values, so it is found wherever it is
// (issue 13, defect 4a).
func TestRedactJSONWorksOnDecodedValues(t *testing.T) {
	secret := `p"a\ss wö\rd` + "\n"
	r := envvar.NewRedactor(secret, "5432")
	doc, err := json.Marshal(map[string]any{"userContext": map[string]any{"leak": "x " + secret + " y", secret: "as key"},
		"list": []any{secret, 1.5, true, nil}})
	require.NoError(t, err)
	out, err := r.JSON(doc)
	require.NoError(t, err)
	assert.JSONEq(t, `{"userContext":{"leak":"x [REDACTED] y","[REDACTED]":"as key"},"list":["[REDACTED]",1.5,true,null]}`, string(out))
	assert.NotContains(t, string(out), "wö")
}

// A secret that appears as a JSON number keeps the document valid: the
// number becomes the string [REDACTED], nothing is dropped (issue 13,
// defect 7).
func TestRedactJSONNumberStaysValid(t *testing.T) {
	r := envvar.NewRedactor("5432")
	out, err := r.JSON([]byte(`{"backupTool":{"CheckPoint":"0/16B3748"},"userContext":{"port":5432,"big":654321,"n":7}}`))
	require.NoError(t, err)
	require.True(t, json.Valid(out))
	assert.JSONEq(t, `{"backupTool":{"CheckPoint":"0/16B3748"},"userContext":{"port":"[REDACTED]","big":"[REDACTED]","n":7}}`, string(out))
}

func TestRedactJSONRejectsWhatIsNotOneValue(t *testing.T) {
	r := envvar.NewRedactor("x")
	for _, bad := range []string{``, `{`, `{"a":1} {"b":2}`, `nope`} {
		_, err := r.JSON([]byte(bad))
		assert.Error(t, err, bad)
	}
	out, err := (*envvar.Redactor)(nil).JSON([]byte(` {"a" : "<b>"} `))
	require.NoError(t, err)
	assert.Equal(t, ` {"a" : "<b>"} `, string(out), "nothing to redact: as it is")
	out, err = envvar.NewRedactor("s").JSON([]byte(` {"a" : "<b>", "s": 1} `))
	require.NoError(t, err)
	assert.Equal(t, `{"[REDACTED]":1,"a":"<b>"}`, string(out), "redacted: compact, no HTML escaping")
}

func TestRedactStringFindsRawAndJSONEscapedValues(t *testing.T) {
	r := envvar.NewRedactor(`s"3`, "s", "")
	assert.Equal(t, `[REDACTED] and {"p":"[REDACTED]"} and [REDACTED]ecret`, r.String(`s"3 and {"p":"s\"3"} and secret`),
		"the longest value first; its JSON form too")
	assert.True(t, r.Holds(`x s\"3`))
	assert.Equal(t, "plain", (*envvar.Redactor)(nil).String("plain"))
	assert.False(t, (*envvar.Redactor)(nil).Holds("plain"))
}

func TestRedactStringFindsASCIIEscapedValues(t *testing.T) {
	r := envvar.NewRedactor("wö😀")
	assert.Equal(t, "[REDACTED] [REDACTED]", r.String(`w\u00f6\ud83d\ude00 wö😀`))
}

// FuzzRedactJSON: whatever the document and the secret, redacting a valid
// document gives a valid one that holds the secret nowhere (unless the
// secret is part of the marker itself).
func FuzzRedactJSON(f *testing.F) {
	f.Add(`{"port":5432,"p":"pa\"ss\\w\u00f6rd"}`, `pa"ss\wörd`)
	f.Add(`[1,"5432",{"5432":null}]`, "5432")
	f.Add(`"x"`, "")
	f.Fuzz(func(t *testing.T, doc, secret string) {
		if !json.Valid([]byte(doc)) {
			return
		}
		out, err := envvar.NewRedactor(secret).JSON([]byte(doc))
		require.NoError(t, err)
		require.True(t, json.Valid(out), "%s", out)
		if secret == "" || strings.Contains(envvar.Redacted, secret) {
			return
		}
		var v any
		require.NoError(t, json.Unmarshal(out, &v))
		decoded, _ := json.Marshal(v)
		require.NotContains(t, string(decoded), jsonString(secret))
	})
}

// jsonString is s as JSON writes it inside a string, without the quotes.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func TestRedactLogDecodesJSONLines(t *testing.T) {
	r := envvar.NewRedactor("s3$cret")
	log := "start s3$cret\n" + `{"p":"s3\u0024cret","n":1}` + "\n" + `[1, "s3$cret"]` + "\n{not json s3$cret\nend"
	assert.Equal(t, "start [REDACTED]\n"+`{"n":1,"p":"[REDACTED]"}`+"\n"+`[1,"[REDACTED]"]`+"\n{not json [REDACTED]\nend", r.Log(log))
	assert.Equal(t, log, (*envvar.Redactor)(nil).Log(log))
}

func TestRedactorOfReadsTheReferencedSecrets(t *testing.T) {
	src := testSources()
	red, err := envvar.RedactorOf(context.Background(), src, []corev1.EnvVar{
		{Name: "P", ValueFrom: secretRef("db", "password", false)},
		{Name: "GONE", ValueFrom: secretRef("deleted", "k", false)},
		{Name: "PLAIN", Value: "fast"},
	}, []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "bulk"}}}})
	require.NoError(t, err, "a secret that is gone is skipped")
	assert.Equal(t, "[REDACTED] admin [REDACTED] [REDACTED] fast", red.String("pa$$(w) admin tok-1 kept fast"),
		"the referenced key and every key of an envFrom secret; not the other keys")
}
