// Package statetest gives each test a State with a key prefix of its own on
// the real Redis, removed when the test ends.
package statetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/hromada/hromada/internal/state"
)

// RedisURL is the Redis the tests use: HROMADA_TEST_REDIS_URL or the local one.
func RedisURL() string {
	if u := os.Getenv("HROMADA_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// Prefix returns a fresh key prefix and removes its keys when t ends.
func Prefix(t testing.TB) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "hromada-test:" + hex.EncodeToString(b[:]) + ":"
}

// New returns a State on the real Redis under a prefix of its own.
func New(t testing.TB, opts state.Options) *state.State {
	t.Helper()
	o, err := redis.ParseURL(RedisURL())
	if err != nil {
		t.Fatalf("statetest: HROMADA_TEST_REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(o)
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("statetest: Redis at %s is not reachable (start it with scripts/services.sh): %v", RedisURL(), err)
	}
	if opts.Prefix == "" {
		opts.Prefix = Prefix(t)
	}
	st := state.New(rdb, opts)
	t.Cleanup(func() {
		if err := st.Flush(context.Background()); err != nil {
			t.Errorf("statetest: cleanup: %v", err)
		}
		rdb.Close()
	})
	return st
}
