package repository

import (
	"errors"
	"strings"

	"filippo.io/age"

	"github.com/dpsdk/dataprotection/drivers"
)

// NewIdentity generates an age X25519 key pair: the secret identity
// ("AGE-SECRET-KEY-1...", for ReadOptions.Identities, kept secret) and its
// public recipient ("age1...", for WriteOptions.Recipients).
func NewIdentity() (identity, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", drivers.Errorf(drivers.Internal, "generate age identity: %w", err)
	}
	return id.String(), id.Recipient().String(), nil
}

// parseRecipients parses age X25519 public keys. Public keys may appear in
// errors.
func parseRecipients(keys []string) ([]age.Recipient, error) {
	rs := make([]age.Recipient, 0, len(keys))
	for _, k := range keys {
		r, err := age.ParseX25519Recipient(strings.TrimSpace(k))
		if err != nil {
			return nil, drivers.Errorf(drivers.InvalidArgument, "recipient %q is not an age X25519 public key", k)
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// parseIdentities parses age X25519 secret keys. The error never contains
// a key, nor the parser's message, which might quote one.
func parseIdentities(keys []string) ([]age.Identity, error) {
	ids := make([]age.Identity, 0, len(keys))
	for i, k := range keys {
		id, err := age.ParseX25519Identity(strings.TrimSpace(k))
		if err != nil {
			return nil, drivers.Errorf(drivers.InvalidArgument, "identity %d of %d is not an age X25519 secret key", i+1, len(keys))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// isNoIdentityMatch reports whether err says that no identity matched.
func isNoIdentityMatch(err error) bool {
	var nm *age.NoIdentityMatchError
	return errors.As(err, &nm)
}
