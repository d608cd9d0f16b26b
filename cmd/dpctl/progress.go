package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// progress shows a wait: a line for every phase change and event of the
// object, with the time since the wait began. On a terminal a status line
// below them shows the phase and the elapsed time, redrawn every second.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	what     string // "backup default/b1"
	start    time.Time
	phase    string
	frame    int
	lineOpen bool // the terminal shows a status line
}

// newProgress starts showing a wait for what on stderr.
func (a *app) newProgress(what string) *progress {
	f, ok := a.errOut.(*os.File)
	tty := ok && term.IsTerminal(int(f.Fd()))
	return &progress{w: a.errOut, tty: tty, what: what, start: time.Now()}
}

// observe shows the object's phase when it changed.
func (p *progress) observe(phase string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if phase == p.phase {
		return
	}
	p.phase = phase
	p.printLocked(fmt.Sprintf("%s: %s", p.what, phase))
}

// event shows an event of the object, and any Warning.
func (p *progress) event(e event) {
	if e.Object != p.what && e.Type != "Warning" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.printLocked(fmt.Sprintf("%s: %s %s: %s", e.Object, e.Type, e.Reason, e.Message))
}

// tick redraws the status line on a terminal.
func (p *progress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		p.statusLocked()
	}
}

// done removes the status line.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
}

// elapsed is the time since the wait began.
func (p *progress) elapsed() time.Duration { return time.Since(p.start).Round(100 * time.Millisecond) }

func (p *progress) printLocked(line string) {
	p.clearLocked()
	fmt.Fprintf(p.w, "[%7s] %s\n", p.elapsed(), line)
	if p.tty {
		p.statusLocked()
	}
}

func (p *progress) statusLocked() {
	spin := `-\|/`
	p.frame = (p.frame + 1) % len(spin)
	fmt.Fprintf(p.w, "\r\033[K%c %s: %s, %s", spin[p.frame], p.what, p.phase, time.Since(p.start).Round(time.Second))
	p.lineOpen = true
}

func (p *progress) clearLocked() {
	if p.lineOpen {
		fmt.Fprint(p.w, "\r\033[K")
		p.lineOpen = false
	}
}
