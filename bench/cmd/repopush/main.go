// Command repopush runs figure 7 of the benchmarks (package
// bench/repopush): a pg_dump-like file pushed through the repository
// pipeline to an S3 server against minio-go's PutObject of the same bytes,
// each push in a child process of this small binary. Without -endpoint it
// starts the S3 server of the tests (versitygw from DP_TESTENV_BIN, as
// make test builds it) and a bucket:
//
//	DP_TESTENV_BIN="$(hack/testenv-binaries.sh | tail -1)" go run ./bench/cmd/repopush -file /tmp/dump.sql
//
// Another server is given by flags and the environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY):
//
//	repopush -endpoint 127.0.0.1:9000 -bucket bench -file /tmp/dump.sql -size-mib 1024 -runs 3
//
// It writes the file when it does not exist, prints one line per push and a
// summary, and with -json writes every run as JSON.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/dpsdk/dataprotection/bench/repopush"
	"github.com/dpsdk/dataprotection/internal/testenv/s3env"
)

func main() {
	child := flag.String("child", "", "internal: the JSON options of one push to run in this process")
	o := repopush.Options{AccessKey: os.Getenv("AWS_ACCESS_KEY_ID"), SecretKey: os.Getenv("AWS_SECRET_ACCESS_KEY")}
	flag.StringVar(&o.Endpoint, "endpoint", "", "S3 endpoint, host:port, plain HTTP (default: start the tests' server)")
	flag.StringVar(&o.Region, "region", "us-east-1", "S3 region")
	flag.StringVar(&o.Bucket, "bucket", "bench", "an existing bucket")
	flag.StringVar(&o.File, "file", "", "the data file (written when missing)")
	flag.IntVar(&o.Concurrency, "concurrency", 0, "zstd goroutines of the pipeline (0: the default)")
	sizeMiB := flag.Int64("size-mib", 1024, "size of the data file when it is written")
	runs := flag.Int("runs", 3, "rounds of both pushes")
	jsonOut := flag.String("json", "", "write every run as JSON to this file")
	flag.Parse()
	log.SetFlags(0)
	if *child != "" {
		runChild(*child)
		return
	}
	if err := run(o, *sizeMiB, *runs, *jsonOut); err != nil {
		log.Fatal(err)
	}
}

// run runs the figure, on a server of its own when o names none.
func run(o repopush.Options, sizeMiB int64, runs int, jsonOut string) error {
	if o.Endpoint == "" {
		srv, err := startServer(&o)
		if err != nil {
			return err
		}
		defer srv.Stop()
	}
	return figure(o, sizeMiB, runs, jsonOut)
}

// startServer starts the tests' S3 server and a bucket, and points o at
// them.
func startServer(o *repopush.Options) (*s3env.Server, error) {
	ctx := context.Background()
	srv, err := s3env.Start(ctx)
	if err != nil {
		return nil, err
	}
	c, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, ""), Region: s3env.Region})
	if err == nil {
		err = c.MakeBucket(ctx, o.Bucket, minio.MakeBucketOptions{Region: s3env.Region})
	}
	if err != nil {
		_ = srv.Stop()
		return nil, err
	}
	o.Endpoint, o.Region, o.AccessKey, o.SecretKey = srv.Endpoint, s3env.Region, srv.AccessKey, srv.SecretKey
	return srv, nil
}

func figure(o repopush.Options, sizeMiB int64, runs int, jsonOut string) error {
	if _, err := os.Stat(o.File); err != nil {
		if err := repopush.WriteDumpFile(o.File, sizeMiB<<20); err != nil {
			return err
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	f, err := repopush.RunFigure(context.Background(), o, runs, func(ctx context.Context, o repopush.Options) *exec.Cmd {
		data, _ := json.Marshal(o)
		return exec.CommandContext(ctx, exe, "-child", string(data))
	})
	if err != nil {
		return err
	}
	for _, r := range append(f.Pipeline, f.Raw...) {
		fmt.Printf("%-8s %6d MiB -> %6d MiB  %8.2fs  peak RSS %5.1f MiB\n", r.Mode, r.Logical>>20, r.Stored>>20, r.Took.Seconds(), float64(r.PeakRSS)/(1<<20))
	}
	s := f.Summarize()
	fmt.Printf("time ratio %.2f×, compression %.2f×, pipeline %.1f MiB/s, raw %.1f MiB/s, peak RSS pipeline %.1f MiB, raw %.1f MiB\n",
		s.TimeRatio, s.CompressionRatio, s.PipelineMiBs, s.RawMiBs, float64(s.PipelinePeakRSS)/(1<<20), float64(s.RawPeakRSS)/(1<<20))
	if jsonOut == "" {
		return nil
	}
	data, err := json.MarshalIndent(struct {
		Runs    repopush.Figure
		Summary repopush.Summary
	}{f, s}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(jsonOut, data, 0o644)
}

// runChild runs one push, given as JSON options, and prints its result.
func runChild(arg string) {
	var o repopush.Options
	if err := json.Unmarshal([]byte(arg), &o); err != nil {
		log.Fatal(err)
	}
	r, err := repopush.Push(context.Background(), o)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		log.Fatal(err)
	}
}
