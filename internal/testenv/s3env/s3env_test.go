package s3env_test

import (
	"bytes"
	"crypto/sha256"
	"hash"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/dpsdk/dataprotection/internal/testenv/s3env"
)

const (
	mib = 1 << 20
	// partSize is the multipart part size of the uploads of unknown size.
	partSize = 16 * mib
	// streamSize is the size of the streams of unknown size: three parts,
	// the last one short.
	streamSize = 40 * mib
)

func TestMain(m *testing.M) { os.Exit(s3env.RunMain(m)) }

func TestObjectRoundTrip(t *testing.T) {
	srv := s3env.Require(t)
	client := srv.Client(t)
	bucket := srv.NewBucket(t)
	ctx := t.Context()

	small := pseudoRandom(1, 3*mib+17)
	info, err := client.PutObject(ctx, bucket, "dir/known", bytes.NewReader(small), int64(len(small)), minio.PutObjectOptions{})
	if err != nil {
		t.Fatalf("put known size: %v", err)
	}
	if info.Size != int64(len(small)) {
		t.Errorf("put known size: size = %d, want %d", info.Size, len(small))
	}

	stream := newStream(2, streamSize)
	info, err = client.PutObject(ctx, bucket, "dir/stream", stream, -1, minio.PutObjectOptions{PartSize: partSize})
	if err != nil {
		t.Fatalf("put unknown size: %v", err)
	}
	if info.Size != streamSize {
		t.Errorf("put unknown size: size = %d, want %d", info.Size, streamSize)
	}

	if got := getSum(t, client, bucket, "dir/known"); got != sha256.Sum256(small) {
		t.Errorf("get dir/known: content differs from what was put")
	}
	if got := getSum(t, client, bucket, "dir/stream"); got != stream.sum() {
		t.Errorf("get dir/stream: content differs from what was put")
	}
	stat, err := client.StatObject(ctx, bucket, "dir/stream", minio.StatObjectOptions{})
	if err != nil {
		t.Fatalf("stat dir/stream: %v", err)
	}
	if stat.Size != streamSize {
		t.Errorf("stat dir/stream: size = %d, want %d", stat.Size, streamSize)
	}

	if got, want := list(t, client, bucket), []string{"dir/known", "dir/stream"}; !slices.Equal(got, want) {
		t.Errorf("list = %q, want %q", got, want)
	}
	if err := client.RemoveObject(ctx, bucket, "dir/known", minio.RemoveObjectOptions{}); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if got, want := list(t, client, bucket), []string{"dir/stream"}; !slices.Equal(got, want) {
		t.Errorf("list after remove = %q, want %q", got, want)
	}
}

func TestBucketsAreDistinct(t *testing.T) {
	srv := s3env.Require(t)
	a, b := srv.NewBucket(t), srv.NewBucket(t)
	if a == b {
		t.Fatalf("two buckets share the name %q", a)
	}
}

func TestKillRestart(t *testing.T) {
	srv := s3env.RequireOwn(t)
	client := srv.Client(t)
	bucket := srv.NewBucket(t)
	ctx := t.Context()
	data := pseudoRandom(3, mib)
	if _, err := client.PutObject(ctx, bucket, "kept", bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{}); err != nil {
		t.Fatalf("put: %v", err)
	}
	endpoint := srv.Endpoint

	srv.Kill()
	if srv.Running() {
		t.Fatal("Running = true after Kill")
	}
	if _, err := noRetryClient(t, srv).BucketExists(ctx, bucket); err == nil {
		t.Fatal("a request to the killed server succeeded")
	}

	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if !srv.Running() || srv.Endpoint != endpoint {
		t.Fatalf("after Restart: running %v, endpoint %s (was %s)", srv.Running(), srv.Endpoint, endpoint)
	}
	// The client made before the kill works again, and the data survived.
	if got := getSum(t, client, bucket, "kept"); got != sha256.Sum256(data) {
		t.Errorf("get after restart: content differs from what was put")
	}
	if _, err := client.PutObject(ctx, bucket, "after", bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{}); err != nil {
		t.Fatalf("put after restart: %v", err)
	}
}

func TestKillDuringUpload(t *testing.T) {
	srv := s3env.RequireOwn(t)
	bucket := srv.NewBucket(t)
	ctx := t.Context()
	client := noRetryClient(t, srv)

	// Kill the server while the second part is being read: the first part
	// has been uploaded by then.
	stream := newStream(4, streamSize)
	stream.at, stream.do = partSize+partSize/4, srv.Kill
	_, err := client.PutObject(ctx, bucket, "broken", stream, -1, minio.PutObjectOptions{PartSize: partSize})
	if err == nil {
		t.Fatal("upload succeeded although the server was killed during it")
	}
	t.Logf("upload failed as expected: %v", err)

	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = client.StatObject(ctx, bucket, "broken", minio.StatObjectOptions{})
	if minio.ToErrorResponse(err).Code != minio.NoSuchKey {
		t.Fatalf("stat of the broken upload: err = %v, want NoSuchKey", err)
	}
	again := newStream(5, streamSize)
	if _, err := client.PutObject(ctx, bucket, "broken", again, -1, minio.PutObjectOptions{PartSize: partSize}); err != nil {
		t.Fatalf("upload after restart: %v", err)
	}
	if got := getSum(t, client, bucket, "broken"); got != again.sum() {
		t.Errorf("get after restart: content differs from what was put")
	}
}

func TestRequireRestartsKilledServer(t *testing.T) {
	srv := s3env.Require(t)
	srv.Kill()
	if again := s3env.Require(t); again != srv || !srv.Running() {
		t.Fatalf("Require after Kill: same server %v, running %v", again == srv, srv.Running())
	}
	srv.NewBucket(t)
}

// noRetryClient returns a client that does not retry failed requests, so
// that requests to a dead server fail at once.
func noRetryClient(t *testing.T, srv *s3env.Server) *minio.Client {
	t.Helper()
	c, err := minio.New(srv.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, ""),
		Region:     s3env.Region,
		MaxRetries: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// getSum downloads an object and returns the SHA-256 of its content.
func getSum(t *testing.T, client *minio.Client, bucket, key string) [sha256.Size]byte {
	t.Helper()
	obj, err := client.GetObject(t.Context(), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer obj.Close()
	h := sha256.New()
	if _, err := io.Copy(h, obj); err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	return [sha256.Size]byte(h.Sum(nil))
}

// list returns the keys of all objects in bucket.
func list(t *testing.T, client *minio.Client, bucket string) []string {
	t.Helper()
	var keys []string
	for obj := range client.ListObjects(t.Context(), bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatalf("list %s: %v", bucket, obj.Err)
		}
		keys = append(keys, obj.Key)
	}
	slices.Sort(keys)
	return keys
}

// pseudoRandom returns n bytes that depend only on seed.
func pseudoRandom(seed uint64, n int) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{byte(seed)}).Read(b)
	return b
}

// stream is a reader of pseudo-random bytes of a fixed length that is not
// known to the uploader (no Len, Seek or ReadAt). It hashes what it hands
// out, and calls do once when it has handed out at least at bytes.
type stream struct {
	src  io.Reader
	hash hash.Hash
	read int64
	at   int64
	do   func()
	once sync.Once
}

func newStream(seed uint64, size int64) *stream {
	h := sha256.New()
	return &stream{src: io.TeeReader(io.LimitReader(rand.NewChaCha8([32]byte{byte(seed)}), size), h), hash: h}
}

func (s *stream) Read(p []byte) (int, error) {
	n, err := s.src.Read(p)
	s.read += int64(n)
	if s.do != nil && s.read >= s.at {
		s.once.Do(s.do)
	}
	return n, err
}

// sum returns the SHA-256 of all bytes read so far.
func (s *stream) sum() [sha256.Size]byte {
	return [sha256.Size]byte(s.hash.Sum(nil))
}
