import "server-only";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { pool } from "../db/client";
import { vmsg } from "../i18n/validation";
import { AppError } from "./app-error";

// Fixed-window request limits kept in Postgres (rate-limiter-flexible's RateLimiterPostgres on the
// app's pool, table rate_limits from the migrations), so every app process counts together.

export type TLimit = { points: number; seconds: number };
const limiters = new Map<string, RateLimiterPostgres>();

function limiter(name: string, l: TLimit): RateLimiterPostgres {
  const id = `${name}:${l.points}/${l.seconds}`;
  let r = limiters.get(id);
  if (!r) {
    r = new RateLimiterPostgres({ storeClient: pool(), storeType: "pool", tableName: "rate_limits", tableCreated: true, keyPrefix: name, points: l.points, duration: l.seconds });
    limiters.set(id, r);
  }
  return r;
}

/** Counts one request against each (name, key) limit; the first one exhausted refuses with 429. */
export async function consumeLimits(checks: { name: string; key: string | null; limit: TLimit }[]): Promise<void> {
  for (const c of checks) {
    if (!c.key) continue;
    try {
      await limiter(c.name, c.limit).consume(c.key);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw new AppError("RATE_LIMITED", `Too many requests (${c.name}); try again in ${seconds} s`, {
        fieldErrors: [{ path: "request", message: vmsg("rateLimited", { seconds }) }],
        retryAfterSeconds: seconds,
      });
    }
  }
}
