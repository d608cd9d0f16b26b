package plugin

import (
	"fmt"
	"regexp"

	goplugin "github.com/hashicorp/go-plugin"
)

// ProtocolVersion is the version of the plugin protocol this package speaks:
// the go-plugin handshake's protocol version and the version of the gRPC
// package driverv1. A host refuses a plugin that speaks another version.
const ProtocolVersion = 1

// The go-plugin magic cookie. It only tells a binary started by a host from
// one started by hand (which prints a short explanation and exits); it is not
// a security measure (automatic mutual TLS is).
const (
	// MagicCookieKey is the environment variable the host sets.
	MagicCookieKey = "DATAPROTECTION_DRIVER_PLUGIN"
	// MagicCookieValue is its value.
	MagicCookieValue = "c2c6b1d6-3f0a-4a52-9c55-0a3d9e7f5b21"
)

// pluginName is the single go-plugin "plugin" every process serves; the
// drivers it serves are told apart by name in each call.
const pluginName = "dataprotection-driver"

// handshake returns the go-plugin handshake for protocol version v.
func handshake(v uint) goplugin.HandshakeConfig {
	return goplugin.HandshakeConfig{ProtocolVersion: v, MagicCookieKey: MagicCookieKey, MagicCookieValue: MagicCookieValue}
}

var nameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$`)

// ValidateName returns nil when name can be a driver's registry name and a
// plugin binary's name: 1 to 63 characters, lowercase letters, digits, '-'
// and '.', beginning and ending with a letter or a digit (the value of the
// BackupTool annotation dataprotection.kubeblocks.io/driver).
func ValidateName(name string) error {
	if len(name) == 0 || len(name) > 63 || !nameRE.MatchString(name) {
		return fmt.Errorf("invalid driver name %q: want 1 to 63 lowercase letters, digits, '-' or '.', "+
			"beginning and ending with a letter or digit", name)
	}
	return nil
}
