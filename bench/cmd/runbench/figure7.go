package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/dpsdk/dataprotection/bench/repopush"
)

// Figure 7, repository push, runs in bench/cmd/repopush, a binary built
// here that imports only the repository and minio-go: its pushes' peak RSS
// is then a host tool's, not this program's. It starts its own S3 server
// (versitygw from DP_TESTENV_BIN).

// The targets of issue 14 ("Performance"), stated beside figure 7.
const (
	targetRepoTime = 1.2 // pipeline push time / PutObject's
	targetRepoRSS  = 64  // MiB, peak RSS of the pipeline's push
)

// repositoryResult is figure 7's JSON, as cmd/repopush writes it.
type repositoryResult struct {
	Runs    repopush.Figure
	Summary repopush.Summary
}

func runRepository(ctx context.Context, cfg *config, r *results) error {
	dir, err := os.MkdirTemp(cfg.workdir, "dp-bench-repository-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, out := filepath.Join(dir, "repopush"), filepath.Join(dir, "figure7.json")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./bench/cmd/repopush")
	if msg, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build cmd/repopush (run from the repository's root): %v: %s", err, msg)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	run := exec.CommandContext(ctx, bin, "-file", filepath.Join(dir, "dump.sql"), "-size-mib", strconv.FormatInt(cfg.repoMiB, 10),
		"-runs", strconv.Itoa(cfg.runs), "-json", out)
	run.Stdout, run.Stderr = os.Stderr, os.Stderr
	if err := run.Run(); err != nil {
		return fmt.Errorf("cmd/repopush: %w", err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	r.Repository = &repositoryResult{}
	return json.Unmarshal(data, r.Repository)
}

func (p *report) repository() {
	res := p.r.Repository
	if res == nil || len(res.Runs.Pipeline) == 0 || len(res.Runs.Raw) == 0 {
		return
	}
	s, size := res.Summary, float64(res.Runs.Pipeline[0].Logical)/(1<<20)
	pipe := summarize(res.Runs.Pipeline, func(x repopush.Result) float64 { return secs(x.Took) })
	raw := summarize(res.Runs.Raw, func(x repopush.Result) float64 { return secs(x.Took) })
	p.f("## 7. Repository push (S3)\n\n")
	p.f("%.0f MiB of pg_dump-like text (COPY rows of ids, e-mail addresses, timestamps, amounts, sentences) pushed\n", size)
	p.f("through the repository pipeline — zstd level 1, age to one X25519 recipient, sha256 of the logical and the\n")
	p.f("stored bytes, multipart upload of unknown length, manifest — to versitygw on loopback, against minio-go's\n")
	p.f("PutObject of the same file (known size, its defaults). Each push runs in a process of its own\n")
	p.f("(bench/cmd/repopush); peak RSS is that process's VmHWM.%s\n\n", took(p.r, 7))
	p.f("| | median |\n|---|---|\n")
	p.f("| pipeline push | %s s, %.1f MiB/s, peak RSS %.1f MiB |\n", pipe.Format("%.2f"), s.PipelineMiBs, float64(s.PipelinePeakRSS)/(1<<20))
	p.f("| PutObject of the raw bytes | %s s, %.1f MiB/s, peak RSS %.1f MiB |\n", raw.Format("%.2f"), s.RawMiBs, float64(s.RawPeakRSS)/(1<<20))
	p.f("| **pipeline / raw** | **%s** |\n", ratio(pipe.Median, raw.Median))
	p.f("| compression | %.2f× |\n\n", s.CompressionRatio)
	rss := float64(s.PipelinePeakRSS) / (1 << 20)
	p.f("Targets (issue 14):\n\n| target | measured | |\n|---|---|---|\n")
	p.f("| pipeline time ≤ %.1f× PutObject's | %s | %s |\n", targetRepoTime, ratio(pipe.Median, raw.Median),
		verdict(pipe.Median <= targetRepoTime*raw.Median))
	p.f("| peak RSS of the push ≤ %d MiB | %.1f MiB | %s |\n\n", targetRepoRSS, rss, verdict(rss <= targetRepoRSS))
	p.f("The pipeline is CPU-bound: zstd (its fastest level, one goroutine by default) compresses the logical bytes\n")
	p.f("on one core while the sha256 of the logical bytes, age, the sha256 of the stored bytes, the upload and the\n")
	p.f("S3 server share the other; PutObject only moves the bytes (and the server writes %.2f× more of them). On\n",
		s.CompressionRatio)
	p.f("a host with more cores, WriteOptions.Concurrency gives zstd more goroutines; on these 2 cores, shared with\n")
	p.f("the server, it does not help.\n\n")
	p.row("7", fmt.Sprintf("Repository push: %.0f MiB through zstd+age+sha256 to S3", size),
		fmt.Sprintf("%s s, %.2f× smaller, peak RSS %.0f MiB", pipe.Format("%.2f"), s.CompressionRatio, float64(s.PipelinePeakRSS)/(1<<20)),
		fmt.Sprintf("PutObject: %s s", raw.Format("%.2f")), ratio(pipe.Median, raw.Median))
}
