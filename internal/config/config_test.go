package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return Load(fs, args, func(k string) string { return env[k] })
}

func TestDefaultsEnvironmentThenFlags(t *testing.T) {
	c, err := load(t, map[string]string{"SURVEYS_DIR": "/env/surveys", "SESSION_TTL": "48h", "RATE_LIMIT": "20"}, "-surveys", "/flag/surveys")
	if err != nil {
		t.Fatal(err)
	}
	if c.SurveysDir != "/flag/surveys" {
		t.Errorf("flag should win over env: %q", c.SurveysDir)
	}
	if c.SessionTTL != 48*time.Hour || c.RateLimit != 20 {
		t.Errorf("env not applied: %v %v", c.SessionTTL, c.RateLimit)
	}
	if c.APIURL != "https://api.telegram.org" || c.AdminListen != "127.0.0.1:9090" {
		t.Errorf("defaults: %q %q", c.APIURL, c.AdminListen)
	}
	if !c.Sandbox() {
		t.Error("no token should mean sandbox")
	}
}

func TestValidationNamesTheSetting(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"webhook without secret", map[string]string{"WEBHOOK_URL": "https://bot.example.org/hook"}, "WEBHOOK_SECRET: is required"},
		{"webhook over http", map[string]string{"WEBHOOK_URL": "http://bot.example.org/hook", "WEBHOOK_SECRET": "s"}, "WEBHOOK_URL: must be an https"},
		{"secret with a space", map[string]string{"WEBHOOK_SECRET": "a b"}, "WEBHOOK_SECRET: must be 1–256"},
		{"bad database url", map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL"},
		{"bad duration", map[string]string{"SESSION_TTL": "a month"}, "SESSION_TTL"},
		{"rate too high", map[string]string{"RATE_LIMIT": "5000"}, "RATE_LIMIT"},
		{"log level", map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tc.env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	_, err := load(t, map[string]string{"TELEGRAM_BOT_TOKEN": "123:SECRET", "WEBHOOK_URL": "http://x", "WEBHOOK_SECRET": "bad secret!"})
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), "SECRET") && strings.Contains(err.Error(), "123:") || strings.Contains(err.Error(), "bad secret!") {
		t.Fatalf("error shows a secret: %v", err)
	}
}

func TestHelpNeverShowsSecretsFromTheEnvironment(t *testing.T) {
	env := map[string]string{"TELEGRAM_BOT_TOKEN": "123456:SECRETTOKEN", "DATABASE_URL": "postgres://u:pw-secret@db/x", "WEBHOOK_SECRET": "s3cr3t-value"}
	for _, args := range [][]string{{"-h"}, {"--webhok-url=x"}} {
		var out strings.Builder
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(&out)
		if _, err := Load(fs, args, func(k string) string { return env[k] }); err == nil {
			t.Fatalf("%v: want an error", args)
		}
		for _, secret := range []string{"SECRETTOKEN", "pw-secret", "s3cr3t-value"} {
			if strings.Contains(out.String(), secret) {
				t.Errorf("%v printed %q:\n%s", args, secret, out.String())
			}
		}
	}
}
