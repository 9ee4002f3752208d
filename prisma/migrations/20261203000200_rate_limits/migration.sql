-- Counters of rate-limiter-flexible's RateLimiterPostgres (its own table layout): the kiosk's
-- enrolment-code exchange and identify, per device and per address. Operational, not audit.
CREATE TABLE IF NOT EXISTS "rate_limits" (
  "key" VARCHAR(255) PRIMARY KEY,
  "points" INTEGER NOT NULL DEFAULT 0,
  "expire" BIGINT
);
