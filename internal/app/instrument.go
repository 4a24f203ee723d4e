package app

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// roundTrips counts the round trips to Postgres and Redis, so a load test can
// report them per exchange.
type roundTrips struct {
	postgres prometheus.Counter
	redis    prometheus.Counter
}

func newRoundTrips(reg prometheus.Registerer) *roundTrips {
	rt := &roundTrips{
		postgres: prometheus.NewCounter(prometheus.CounterOpts{Name: "hromada_postgres_round_trips_total", Help: "Queries and batches sent to Postgres."}),
		redis:    prometheus.NewCounter(prometheus.CounterOpts{Name: "hromada_redis_round_trips_total", Help: "Commands, scripts and pipelines sent to Redis."}),
	}
	reg.MustRegister(rt.postgres, rt.redis)
	return rt
}

// TraceQueryStart counts one Postgres query (pgx.QueryTracer).
func (rt *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	rt.postgres.Inc()
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (rt *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart counts a batch as one round trip (pgx.BatchTracer); the
// queries inside it are not counted again by TraceBatchQuery.
func (rt *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	rt.postgres.Inc()
	return ctx
}

// TraceBatchQuery implements pgx.BatchTracer.
func (rt *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

// TraceBatchEnd implements pgx.BatchTracer.
func (rt *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// redis.Hook: one command or one pipeline is one round trip. A script run
// with EVALSHA that Redis does not know is retried as EVAL by go-redis and
// counted twice, as it costs twice.
func (rt *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (rt *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		rt.redis.Inc()
		return next(ctx, cmd)
	}
}

func (rt *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		rt.redis.Inc()
		return next(ctx, cmds)
	}
}
