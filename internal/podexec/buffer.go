package podexec

import "bytes"

// headBuffer keeps the first max bytes written to it and drops the rest,
// without failing the writer, so the remote command is never blocked.
type headBuffer struct {
	max       int
	buf       bytes.Buffer
	truncated bool
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.max - h.buf.Len(); room < len(p) {
		h.truncated = true
		h.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	h.buf.Write(p)
	return len(p), nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) bytes() []byte { return t.buf }
