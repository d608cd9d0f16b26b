package repository

import "io"

// progressReader reports the number of bytes each Read returns.
type progressReader struct {
	r io.Reader
	f func(int64)
}

// withProgress returns r, reporting to f what is read through it; r itself
// when f is nil.
func withProgress(r io.Reader, f func(int64)) io.Reader {
	if f == nil {
		return r
	}
	return &progressReader{r: r, f: f}
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.f(int64(n))
	}
	return n, err
}
