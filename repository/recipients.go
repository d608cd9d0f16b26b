package repository

// CheckRecipients returns an error with code InvalidArgument naming the
// first of keys that is not an age X25519 public key ("age1..."), or nil:
// what WriteOptions.Recipients must hold. Public keys may appear in errors.
func CheckRecipients(keys []string) error {
	_, err := parseRecipients(keys)
	return err
}
