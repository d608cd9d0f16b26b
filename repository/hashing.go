package repository

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
)

// hashingReader hashes and counts what is read through it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func newHashingReader(r io.Reader) *hashingReader {
	return &hashingReader{r: r, h: sha256.New()}
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	hr.h.Write(p[:n])
	hr.n += int64(n)
	return n, err
}

// sum returns the hex sha256 of what was read.
func (hr *hashingReader) sum() string { return hex.EncodeToString(hr.h.Sum(nil)) }

// errRecorder remembers the first error of its reader other than io.EOF,
// to tell a failing transport apart from data that does not decode.
type errRecorder struct {
	r   io.Reader
	err error
}

func (e *errRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// asideChunk is the size of the buffers a hashAsideReader hands to its
// hashing goroutine, and asideChunks how many it owns: memory is bounded by
// asideChunk × asideChunks.
const (
	asideChunk  = 256 << 10
	asideChunks = 4
)

// hashAsideReader is a hashingReader whose sha256 runs in a goroutine of
// its own, on copies of what is read, so that hashing the logical bytes
// and compressing them use two cores rather than taking turns on one. Call
// finish exactly once, after the last Read.
type hashAsideReader struct {
	r      io.Reader
	n      int64
	chunks chan []byte
	free   chan []byte
	sumc   chan string
}

func newHashAsideReader(r io.Reader) *hashAsideReader {
	hr := &hashAsideReader{r: r, chunks: make(chan []byte, asideChunks), free: make(chan []byte, asideChunks),
		sumc: make(chan string, 1)}
	for range asideChunks {
		hr.free <- make([]byte, asideChunk)
	}
	go func() {
		h := sha256.New()
		for c := range hr.chunks {
			h.Write(c)
			hr.free <- c[:cap(c)]
		}
		hr.sumc <- hex.EncodeToString(h.Sum(nil))
	}()
	return hr
}

func (hr *hashAsideReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	for rest := p[:n]; len(rest) > 0; {
		buf := <-hr.free
		k := copy(buf, rest)
		hr.chunks <- buf[:k]
		rest = rest[k:]
	}
	hr.n += int64(n)
	return n, err
}

// finish stops the hashing goroutine and returns the hex sha256 of what
// was read.
func (hr *hashAsideReader) finish() string {
	close(hr.chunks)
	return <-hr.sumc
}
