package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/dpsdk/dataprotection/internal/units"
)

// meterPlainEvery is how often a meter prints a line when stderr is not a
// terminal (a Job's log, a file).
const meterPlainEvery = 10 * time.Second

// meter shows the bytes a transfer moved and its rate on stderr: on a
// terminal a line redrawn every second, otherwise a line every
// meterPlainEvery; and a last line when it stops.
type meter struct {
	w     io.Writer
	tty   bool
	what  string
	start time.Time
	bytes atomic.Int64
	stop  chan struct{}
	done  sync.WaitGroup
}

// newMeter starts showing the transfer what ("push ns/b1").
func (a *app) newMeter(what string) *meter {
	f, ok := a.errOut.(*os.File)
	m := &meter{w: a.errOut, tty: ok && term.IsTerminal(int(f.Fd())), what: what, start: time.Now(), stop: make(chan struct{})}
	every := meterPlainEvery
	if m.tty {
		every = time.Second
	}
	m.done.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-t.C:
				m.print(false)
			}
		}
	})
	return m
}

// add counts n more bytes; it is a repository Progress function.
func (m *meter) add(n int64) { m.bytes.Add(n) }

// finish stops the meter and prints the total.
func (m *meter) finish() {
	close(m.stop)
	m.done.Wait()
	m.print(true)
}

func (m *meter) print(last bool) {
	elapsed := time.Since(m.start)
	n := m.bytes.Load()
	line := fmt.Sprintf("%s: %s in %s, %s/s", m.what, units.IEC(n), elapsed.Round(100*time.Millisecond),
		units.IEC(int64(float64(n)/max(elapsed.Seconds(), 0.001))))
	switch {
	case m.tty && last:
		fmt.Fprintf(m.w, "\r\033[K%s\n", line)
	case m.tty:
		fmt.Fprintf(m.w, "\r\033[K%s", line)
	default:
		fmt.Fprintf(m.w, "dpctl: %s\n", line)
	}
}
