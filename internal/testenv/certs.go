package testenv

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certValidity is how long the generated certificates are valid; far longer
// than any test run.
const certValidity = 7 * 24 * time.Hour

// pki is the throwaway certificate authority of one Env. It signs the
// apiserver's serving certificate and the client certificates that
// authenticate users (kube-apiserver trusts it through --client-ca-file).
type pki struct {
	cert    *x509.Certificate
	key     crypto.Signer
	certPEM []byte
}

// keyPair is a PEM-encoded certificate and its private key.
type keyPair struct {
	certPEM []byte
	keyPEM  []byte
}

// newPKI generates a self-signed certificate authority.
func newPKI() (*pki, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := baseTemplate(pkix.Name{CommonName: "dataprotection-testenv-ca"})
	tmpl.IsCA = true
	tmpl.BasicConstraintsValid = true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &pki{cert: cert, key: key, certPEM: pemBlock("CERTIFICATE", der)}, nil
}

// servingPair issues the apiserver's serving certificate, valid for
// 127.0.0.1 and localhost.
func (p *pki) servingPair() (keyPair, error) {
	tmpl := baseTemplate(pkix.Name{CommonName: "kube-apiserver"})
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	tmpl.DNSNames = []string{"localhost"}
	return p.issue(tmpl)
}

// clientPair issues a client certificate for user in groups; kube-apiserver
// reads the user name from the common name and the groups from the
// organizations.
func (p *pki) clientPair(user string, groups []string) (keyPair, error) {
	tmpl := baseTemplate(pkix.Name{CommonName: user, Organization: groups})
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	return p.issue(tmpl)
}

// issue generates a fresh key and signs tmpl with the CA.
func (p *pki) issue(tmpl *x509.Certificate) (keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return keyPair{}, err
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.cert, key.Public(), p.key)
	if err != nil {
		return keyPair{}, fmt.Errorf("sign certificate for %q: %w", tmpl.Subject.CommonName, err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return keyPair{}, err
	}
	return keyPair{certPEM: pemBlock("CERTIFICATE", der), keyPEM: pemBlock("PRIVATE KEY", keyDER)}, nil
}

// serviceAccountKeys generates the RSA key pair kube-apiserver signs and
// verifies service account tokens with. It returns the PEM-encoded private
// key (PKCS#1) and public key (PKIX).
func serviceAccountKeys() (priv, pub []byte, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, nil, err
	}
	return pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key)), pemBlock("PUBLIC KEY", pubDER), nil
}

// baseTemplate returns a certificate template with a random serial number
// and a validity that starts an hour ago, to tolerate clock skew.
func baseTemplate(subject pkix.Name) *x509.Certificate {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      subject,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certValidity),
	}
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// pkiFiles are the paths of the files kube-apiserver reads its keys and
// certificates from.
type pkiFiles struct {
	caCert      string
	servingCert string
	servingKey  string
	saPrivate   string
	saPublic    string
}

// writePKIFiles issues the apiserver's serving certificate and the service
// account keys and writes them, with the CA certificate, into dir.
func writePKIFiles(dir string, ca *pki) (pkiFiles, error) {
	serving, err := ca.servingPair()
	if err != nil {
		return pkiFiles{}, err
	}
	saPriv, saPub, err := serviceAccountKeys()
	if err != nil {
		return pkiFiles{}, err
	}
	f := pkiFiles{
		caCert:      filepath.Join(dir, "ca.crt"),
		servingCert: filepath.Join(dir, "apiserver.crt"),
		servingKey:  filepath.Join(dir, "apiserver.key"),
		saPrivate:   filepath.Join(dir, "sa.key"),
		saPublic:    filepath.Join(dir, "sa.pub"),
	}
	contents := map[string][]byte{
		f.caCert:      ca.certPEM,
		f.servingCert: serving.certPEM,
		f.servingKey:  serving.keyPEM,
		f.saPrivate:   saPriv,
		f.saPublic:    saPub,
	}
	for path, data := range contents {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return pkiFiles{}, err
		}
	}
	return f, nil
}
