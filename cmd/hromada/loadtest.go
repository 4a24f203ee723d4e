package main

import (
	"bufio"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/tgemu"
)

//go:embed loadtest.yaml
var loadtestSurvey []byte

// loadtest runs the bot as a child process (`hromada run`) against an
// in-process emulator, on a fresh database and Redis prefix, and has N
// emulated citizens complete a ten-question survey at once. It reports
// exchanges per second (one citizen update answered), reply latency, the bot
// process's CPU time and peak memory, and its Postgres and Redis round trips
// per exchange.
func loadtest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hromada loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	citizens := fs.Int("citizens", 200, "emulated citizens completing the survey at once")
	workers := fs.Int("workers", config.Default().Workers, "the bot's WORKERS setting")
	def := config.Default()
	dbURL := fs.String("database-url", envOr("DATABASE_URL", def.DatabaseURL), "PostgreSQL server to make the test database on")
	redisURL := fs.String("redis-url", envOr("REDIS_URL", def.RedisURL), "Redis to use (under a prefix of its own)")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up after")
	cpuProfile := fs.String("cpuprofile", "", "write the bot's CPU profile during the load (seconds = -profile-seconds) to this file")
	profileSeconds := fs.Int("profile-seconds", 5, "length of the CPU profile")
	bare := fs.Bool("bare", false, "measure the yardstick instead: a bare bot doing the same survey with the same libraries (one Redis GET and SET and one INSERT per update)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	suffix := randomSuffix()
	testDB, dropDB, err := createDatabase(ctx, *dbURL, "hromada_load_"+suffix)
	if err != nil {
		return err
	}
	defer dropDB()
	prefix := "hromada-load:" + suffix + ":"
	defer flushPrefix(*redisURL, prefix)
	dir, err := os.MkdirTemp("", "hromada-load")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "loadtest.yaml"), loadtestSurvey, 0o600); err != nil {
		return err
	}

	emu := tgemu.New(tgemu.Options{RequestLog: -1})
	base, err := emu.Start()
	if err != nil {
		return err
	}
	defer emu.Close()
	adminAddr, err := freeAddr()
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	command := "run"
	if *bare {
		command = "barebot"
	}
	child := exec.Command(self, command)
	child.Env = append(os.Environ(),
		"TELEGRAM_BOT_TOKEN="+emu.Token(), "TELEGRAM_API_URL="+base, "DATABASE_URL="+testDB,
		"REDIS_URL="+*redisURL, "REDIS_PREFIX="+prefix, "SURVEYS_DIR="+dir, "ADMIN_LISTEN="+adminAddr,
		"RATE_LIMIT=0", "WORKERS="+strconv.Itoa(*workers), "LOG_LEVEL=warn", "POLL_TIMEOUT=10s")
	child.Stdout, child.Stderr = stderr, stderr
	if err := child.Start(); err != nil {
		return err
	}
	stopChild := func() {
		_ = child.Process.Signal(syscall.SIGTERM)
		_ = child.Wait()
	}
	defer stopChild()
	if err := waitHealthy(ctx, "http://"+adminAddr+"/healthz"); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "hromada loadtest (%s): %d citizens × 13 exchanges (consent, 10 answers, confirm), bot pid %d, %d workers\n", command, *citizens, child.Process.Pid, *workers)

	before, err := scrape(ctx, "http://"+adminAddr+"/metrics")
	if err != nil {
		return err
	}
	cpuBefore, err := processCPU(child.Process.Pid)
	if err != nil {
		return err
	}
	var profiled sync.WaitGroup
	if *cpuProfile != "" {
		profiled.Go(func() {
			if err := saveProfile(ctx, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", adminAddr, *profileSeconds), *cpuProfile); err != nil {
				fmt.Fprintln(stderr, "loadtest: cpu profile:", err)
			}
		})
	}
	start := time.Now()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  []error
		wg        sync.WaitGroup
	)
	for i := range *citizens {
		wg.Go(func() {
			lat, err := citizenRun(ctx, emu, i)
			mu.Lock()
			defer mu.Unlock()
			latencies = append(latencies, lat...)
			if err != nil {
				failures = append(failures, err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	defer profiled.Wait()
	cpuAfter, err := processCPU(child.Process.Pid)
	if err != nil {
		return err
	}
	after, err := scrape(ctx, "http://"+adminAddr+"/metrics")
	if err != nil {
		return err
	}
	peak, _ := peakRSS(child.Process.Pid)
	if len(failures) > 0 {
		return fmt.Errorf("%d of %d citizens failed; first: %w", len(failures), *citizens, failures[0])
	}
	n := float64(len(latencies))
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[min(int(p*n), len(latencies)-1)] }
	cpu := cpuAfter - cpuBefore
	fmt.Fprintf(stdout, "exchanges:        %d in %.2fs = %.0f exchanges/s\n", len(latencies), elapsed.Seconds(), n/elapsed.Seconds())
	fmt.Fprintf(stdout, "reply latency:    p50 %.1fms  p90 %.1fms  p99 %.1fms  max %.1fms\n", ms(pct(0.50)), ms(pct(0.90)), ms(pct(0.99)), ms(latencies[len(latencies)-1]))
	fmt.Fprintf(stdout, "bot CPU:          %.0fms = %.3fms per exchange\n", ms(cpu), ms(cpu)/n)
	if *bare {
		fmt.Fprintln(stdout, "round trips:      Postgres 1, Redis 2 per exchange (by construction)")
	} else {
		fmt.Fprintf(stdout, "round trips:      Postgres %.2f, Redis %.2f per exchange\n",
			(after["hromada_postgres_round_trips_total"]-before["hromada_postgres_round_trips_total"])/n,
			(after["hromada_redis_round_trips_total"]-before["hromada_redis_round_trips_total"])/n)
	}
	fmt.Fprintf(stdout, "bot peak memory:  %.0f MiB RSS\n", float64(peak)/(1<<20))
	return nil
}

// citizenRun takes one emulated citizen from /start to the thanks and returns
// the latency of each exchange.
func citizenRun(ctx context.Context, emu *tgemu.Server, i int) ([]time.Duration, error) {
	c := emu.NewCitizen("Load"+strconv.Itoa(i), "uk")
	var lat []time.Duration
	var last tgemu.Message
	exchange := func(act func() error, want string) error {
		t0 := time.Now()
		if err := act(); err != nil {
			return err
		}
		m, err := c.WaitReply(ctx, func(m tgemu.Message) bool { return strings.Contains(m.Text, want) })
		if err != nil {
			return fmt.Errorf("citizen %d waiting for %q: %w", i, want, err)
		}
		lat = append(lat, time.Since(t0))
		last = m
		return nil
	}
	send := func(text string) func() error { return func() error { _, err := c.Send(text); return err } }
	tap := func(button string) func() error { return func() error { _, err := c.Tap(last, button); return err } }
	steps := []struct {
		act  func() error
		want string
	}{
		{send("/start s_loadtest"), "Погоджуєтеся?"},
		{tap("✅ Погоджуюся"), "Питання 1"},
		{tap("Так"), "Питання 2"},
		{tap("Так"), "Питання 3"},
		{tap("3"), "Питання 4"},
		{tap("м. Київ"), "Питання 5"},
		{send(strconv.Itoa(18 + i%60)), "Питання 6"},
		{tap("Перший"), "Питання 7"},
		{send("Моя відповідь номер " + strconv.Itoa(i)), "Питання 8"},
		{tap("7"), "Питання 9"},
		{tap("Ні"), "Питання 10"},
		{send("Дякую"), "Перевірте ваші відповіді"},
		{tap("✅ Підтвердити"), "Дякуємо!"},
	}
	for _, s := range steps {
		if err := exchange(s.act, s.want); err != nil {
			return lat, err
		}
	}
	return lat, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// createDatabase makes an empty database next to the one serverURL names and
// returns its URL and a function that drops it.
func createDatabase(ctx context.Context, serverURL, name string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("loadtest: postgres: %w", err)
	}
	if _, err := conn.Exec(ctx, "create database "+pgx.Identifier{name}.Sanitize()); err != nil {
		conn.Close(ctx)
		return "", nil, fmt.Errorf("loadtest: create database: %w", err)
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		conn.Close(ctx)
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		_, _ = conn.Exec(context.Background(), "drop database if exists "+pgx.Identifier{name}.Sanitize()+" with (force)")
		conn.Close(context.Background())
	}
	return u.String(), drop, nil
}

func flushPrefix(redisURL, prefix string) {
	o, err := redis.ParseURL(redisURL)
	if err != nil {
		return
	}
	rdb := redis.NewClient(o)
	defer rdb.Close()
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
	}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitHealthy(ctx context.Context, u string) error {
	for {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return errors.New("loadtest: the bot did not become healthy")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// scrape reads the plain counters of a Prometheus text exposition.
func scrape(ctx context.Context, u string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		if f, err := strconv.ParseFloat(value, 64); err == nil {
			out[name] = f
		}
	}
	return out, sc.Err()
}

// processCPU is the user+system CPU time a process has used (Linux /proc).
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}

// peakRSS is a process's peak resident memory (VmHWM) in bytes.
func peakRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, nil
		}
	}
	return 0, errors.New("no VmHWM")
}

func saveProfile(ctx context.Context, u, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
