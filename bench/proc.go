package bench

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Memory is a process's memory at one instant.
type Memory struct {
	// RSS is the resident set size (VmRSS), in bytes.
	RSS int64
	// PeakRSS is the highest RSS so far (VmHWM), in bytes.
	PeakRSS int64
	// HeapInuse is the Go heap in use (runtime.MemStats.HeapInuse).
	HeapInuse int64
}

// ReadMemory returns this process's memory. With gc set it first collects
// garbage and returns freed memory to the OS, so RSS is what is held.
func ReadMemory(gc bool) Memory {
	if gc {
		runtime.GC()
		debug.FreeOSMemory()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := Memory{HeapInuse: int64(ms.HeapInuse)}
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return m
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch key {
		case "VmRSS":
			m.RSS = parseKB(val)
		case "VmHWM":
			m.PeakRSS = parseKB(val)
		}
	}
	return m
}

// parseKB parses "  1234 kB" into bytes.
func parseKB(s string) int64 {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(f[0], 10, 64)
	return n << 10
}

// CPUTime returns the user + system CPU time this process has used.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ChildrenCPUTime returns the CPU time of this process's waited-for
// children (tar, the local driver's supervisors).
func ChildrenCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Machine describes where the benchmarks ran.
type Machine struct {
	// CPU is the processor's model name.
	CPU string
	// Cores is the number of logical CPUs the Go runtime sees.
	Cores int
	// GoVersion, OS and Arch of the runner.
	GoVersion, OS, Arch string
	// MemTotal is the machine's memory, in bytes.
	MemTotal int64
	// Kernel is the kernel's release.
	Kernel string
	// Load is the load average over the last minute when the run started
	// (/proc/loadavg): other processes' share of the cores during it.
	Load string
}

// ReadMachine describes this machine.
func ReadMachine() Machine {
	m := Machine{Cores: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, CPU: "unknown"}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && k == "MemTotal" {
				m.MemTotal = parseKB(v)
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	m.Load = LoadAverage()
	return m
}

// LoadAverage returns the load averages over 1, 5 and 15 minutes
// (/proc/loadavg), or "unknown".
func LoadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
