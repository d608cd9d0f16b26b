package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
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

// ProcessCPUTime returns the user + system CPU time the process pid has
// used, from /proc/<pid>/stat (Linux; its clock ticks are taken as the
// usual 100 a second).
func ProcessCPUTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command (field 2) is in parentheses and may hold spaces: the
	// fields counted are those after its closing parenthesis, where utime
	// and stime are the 12th and 13th.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return time.Duration(utime+stime) * (time.Second / clockTicks), nil
}

// clockTicks is Linux's USER_HZ, the unit of /proc's CPU times.
const clockTicks = 100

// cpuOf returns the CPU time of this process (as "bench") and of each
// process of pids.
func cpuOf(pids map[string]int) map[string]time.Duration {
	out := map[string]time.Duration{"bench": CPUTime()}
	for name, pid := range pids {
		if d, err := ProcessCPUTime(pid); err == nil {
			out[name] = d
		}
	}
	return out
}

// cpuSince returns the CPU each process used since before (a cpuOf).
func cpuSince(before map[string]time.Duration, pids map[string]int) map[string]time.Duration {
	out := map[string]time.Duration{}
	for name, d := range cpuOf(pids) {
		if b, ok := before[name]; ok {
			out[name] = d - b
		}
	}
	return out
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
