package repotest

import (
	"crypto/sha256"
	"encoding/binary"
	"io"
	"math/rand/v2"
)

// dataReader yields n deterministic pseudo-random bytes derived from seed,
// without holding them: the suite streams large objects with it.
type dataReader struct {
	rng       *rand.ChaCha8
	remaining int64
}

func newData(seed uint64, n int64) *dataReader {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	return &dataReader{rng: rand.NewChaCha8(s), remaining: n}
}

func (d *dataReader) Read(p []byte) (int, error) {
	if d.remaining <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > d.remaining {
		p = p[:d.remaining]
	}
	n, _ := d.rng.Read(p)
	d.remaining -= int64(n)
	return n, nil
}

// digest returns the sha256 and length of what r yields.
func digest(r io.Reader) ([32]byte, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, n, err
}

// dataDigest returns the sha256 of newData(seed, n).
func dataDigest(seed uint64, n int64) [32]byte {
	sum, _, _ := digest(newData(seed, n))
	return sum
}

// chunkyReader returns the bytes of r in reads of varying, odd sizes, as a
// pipe from a tool does.
type chunkyReader struct {
	r    io.Reader
	step int
}

func (c *chunkyReader) Read(p []byte) (int, error) {
	sizes := [...]int{1, 7, 4093, 65537, 1 << 20, 13}
	n := sizes[c.step%len(sizes)]
	c.step++
	if n < len(p) {
		p = p[:n]
	}
	return c.r.Read(p)
}

// failingReader yields n bytes of data and then fails with err.
type failingReader struct {
	data io.Reader
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.data.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}
