package repository

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"

	"filippo.io/age"
)

// sealedPrefix starts a logical checksum encrypted to the recipients.
const sealedPrefix = "age:"

// maxSealed bounds a sealed checksum read from a manifest.
const maxSealed = 64 << 10

// seal encrypts a hex checksum to the recipients.
func seal(sum string, recipients []age.Recipient) (string, error) {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, recipients...)
	if err != nil {
		return "", err
	}
	if _, err := io.WriteString(w, sum); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return sealedPrefix + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// unseal decrypts a sealed checksum; the error is ErrCorrupt, or carries
// age's NoIdentityMatchError.
func unseal(sealed string, ids []age.Identity) (string, error) {
	if len(sealed) > maxSealed {
		return "", corruptf("sealed checksum too long")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sealed, sealedPrefix))
	if err != nil {
		return "", corruptf("sealed checksum is not base64")
	}
	r, err := age.Decrypt(bytes.NewReader(raw), ids...)
	if isNoIdentityMatch(err) {
		return "", err
	}
	if err != nil {
		return "", corruptf("sealed checksum does not decrypt")
	}
	sum, err := io.ReadAll(io.LimitReader(r, 128))
	if err != nil || !isHexSHA256(string(sum)) {
		return "", corruptf("sealed checksum is malformed")
	}
	return string(sum), nil
}
