// load: staff at work while a monthly run of n pensioners is in progress. Setup as the monthly-run
// scenario's (monthly-run-setup.ts), with evidence for two months. Month one is run alone, for the
// run's rate without load. Then the real app (scripts/app-server.ts on the production build, as
// `npm start` runs it) serves 16 concurrent staff clients, each signed in through Auth.js's own
// credentials sign-in (password and TOTP code; a real session cookie), for 60 s while month two's
// run is worked: the roll list, the roll search, a pensioner page, the case queue and the dashboard
// API, in turn (autocannon, https://github.com/mcollina/autocannon). The worker's rollup refresh
// runs meanwhile as the worker runs it. Reported: p50/p95/p99 and errors per endpoint, the run's
// rate with and without the load. Floor: as many requests at the same concurrency to a node:http
// route that only returns 200 (a Next.js route would add what is being measured);
// ratioToFloor = p95 ÷ the floor's p95. Bar: p95 ≤ 500 ms over all endpoints, zero errors.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { createRequire } from "node:module";
import path from "node:path";
import { hash } from "@node-rs/argon2";
import autocannon from "autocannon";
import { childEnv, env } from "../../lib/env.js";
import { databaseUrl, pool, prisma } from "../../lib/db/client";
import { freePort } from "../../lib/db/embedded";
import { newTotpSecret, totpCode } from "../../lib/auth/second-factor";
import { refreshRollups } from "../../lib/server/dashboard/refresh-rollups";
import { startMonthlyRun } from "../../lib/server/runs/start-monthly-run";
import { sealTotpSecret } from "../../lib/server/users/second-factor-store";
import type { TActor } from "../../lib/server/actor";
import type { TBenchContext, TScenario } from "../harness";
import { prepareMonthlyRun } from "./monthly-run-setup";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, "../..");
const CLIENTS = 16;
const LOAD_SECONDS = 60;
const TARGET_P95_MS = 500;
const QUIET_PERIOD = "2026-09";
const LOADED_PERIOD = "2026-10";
const ENDPOINTS = ["roll list", "roll search", "pensioner page", "case queue", "dashboard API"] as const;
type TEndpoint = (typeof ENDPOINTS)[number];

const pct = (xs: number[], p: number) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** The app as `npm start` runs it: scripts/app-server.ts on the production build. */
async function startApp(ctx: TBenchContext, bdmiUrl: string): Promise<{ base: string; stop: () => Promise<void> }> {
  if (!existsSync(path.join(ROOT, ".next/BUILD_ID"))) {
    ctx.log("setup: no production build yet: next build (a few minutes)");
    await new Promise<void>((resolve, reject) => {
      const b = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { cwd: ROOT, env: childEnv({ NODE_ENV: "production" }), stdio: ["ignore", "ignore", "inherit"] });
      b.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`))));
    });
  }
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [require.resolve("tsx/cli"), "scripts/app-server.ts", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: ROOT,
    env: childEnv({ DATABASE_URL: databaseUrl(), PENSION_EMBEDDED: "0", BDMI_URL: bdmiUrl, NODE_ENV: "production", LOG_LEVEL: "warn" }),
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const end = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}`);
    if (await fetch(`${base}/sign-in`).then((r) => r.status < 500, () => false)) break;
    if (Date.now() > end) throw new Error("the app did not start within 120 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
      }),
  };
}

/** A supervisor of Guizhou with an authenticator, signed in through Auth.js's credentials sign-in: the session cookie. */
async function signedInSupervisor(base: string): Promise<string> {
  const username = `load-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const secret = newTotpSecret();
  const sealed = sealTotpSecret(secret);
  await prisma().user.create({
    data: {
      username, displayName: username, role: "supervisor", passwordHash: await hash(password),
      totpSecretCipher: sealed.cipher, totpKeyVersion: sealed.keyVersion, totpEnabledAt: new Date(),
      regions: { create: [{ regionCode: "52" }] },
    },
  });
  const jar = new Map<string, string>();
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${base}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const form = new URLSearchParams({ username, password, code: await totpCode(secret), csrfToken, callbackUrl: `${base}/dashboard` });
  const r = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie(), origin: base },
    body: form,
  });
  keep(r);
  const check = await fetch(`${base}/api/v1/dashboard`, { headers: { cookie: cookie() } });
  if (check.status !== 200) throw new Error(`sign-in as ${username} did not give a session (${r.status} ${r.headers.get("location")}; dashboard ${check.status})`);
  return cookie();
}

/**
 * A month's run, started as the supervisor starts it and worked in a child process as the worker
 * works it, at the worker's OS priority (load-run-worker.ts; lib/worker/priority.ts says why).
 */
function runMonth(actor: TActor, bdmiUrl: string, period: string) {
  return (async () => {
    const { run } = await startMonthlyRun(actor, { period, regionCodes: ["52"] });
    const child = spawn(process.execPath, [require.resolve("tsx/cli"), "--conditions=react-server", "bench/scenarios/load-run-worker.ts", run.id, bdmiUrl], {
      cwd: ROOT,
      env: childEnv({ DATABASE_URL: databaseUrl(), PENSION_EMBEDDED: "0", LOG_LEVEL: "warn" }),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`the ${period} run's worker exited with ${code}: ${out.trim()}`);
    return { id: run.id, nice: (JSON.parse(out.trim().split("\n").pop()!) as { nice: number }).nice };
  })();
}

const doneOf = async (period: string) =>
  (await pool().query<{ done: number }>(`select coalesce(sum(done), 0)::int as done from monthly_runs where period = $1`, [period])).rows[0]!.done;

type TLoadStats = { requests: number; errors: number; socketErrors: number; timeouts: number; byEndpoint: Record<TEndpoint, { latencies: number[]; errors: number; statuses: Record<string, number> }>; seconds: number };

/** 16 connections, each with its own session, cycling through the endpoints; per-endpoint latencies by response order. */
async function load(base: string, cookies: string[], o: { seconds?: number; amount?: number; pensionerIds: string[]; regions: string[]; onTick?: (s: TLoadStats) => void }): Promise<TLoadStats> {
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const SEARCHES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
  const paths: Record<TEndpoint, () => string> = {
    "roll list": () => `/api/v1/pensioners?page=${1 + Math.floor(Math.random() * 200)}&pageSize=25`,
    "roll search": () => (Math.random() < 0.5 ? `/api/v1/pensioners?q=${encodeURIComponent(pick(SEARCHES))}` : `/api/v1/pensioners?q=${String(Math.floor(Math.random() * 10_000)).padStart(4, "0")}`),
    "pensioner page": () => `/roll/${pick(o.pensionerIds)}`,
    "case queue": () => `/api/v1/cases?status=active&page=1&pageSize=50${Math.random() < 0.5 ? `&region=${pick(o.regions)}` : ""}`,
    "dashboard API": () => `/api/v1/dashboard?period=${QUIET_PERIOD}${Math.random() < 0.7 ? `&region=${pick(o.regions)}` : ""}`,
  };
  const stats: TLoadStats = {
    requests: 0, errors: 0, socketErrors: 0, timeouts: 0, seconds: 0,
    byEndpoint: Object.fromEntries(ENDPOINTS.map((e) => [e, { latencies: [] as number[], errors: 0, statuses: {} as Record<string, number> }])) as unknown as TLoadStats["byEndpoint"],
  };
  let nextCookie = 0;
  const t0 = performance.now();
  let finish!: (r: autocannon.Result) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
  // With a callback autocannon returns its instance, whose events carry each response.
  const instance = autocannon({
    url: base,
    connections: CLIENTS,
    pipelining: 1,
    timeout: 30,
    ...(o.seconds ? { duration: o.seconds } : { amount: o.amount }),
    requests: ENDPOINTS.map((e) => ({
      method: "GET" as const,
      setupRequest: (req: autocannon.Request, context: object) => {
        const c = context as { cookie?: string };
        c.cookie ??= cookies[nextCookie++ % cookies.length];
        return { ...req, path: paths[e](), headers: { ...req.headers, cookie: c.cookie!, "accept-language": "zh-CN" } };
      },
    })),
  }, (err, result) => (err ? fail(err) : finish(result)));
  // With one request in flight per connection, the k-th answer on a connection is to its k-th request.
  const seen = new WeakMap<object, number>();
  instance.on("response", (client: object, status: number, _bytes: number, ms: number) => {
    const k = seen.get(client) ?? 0;
    seen.set(client, k + 1);
    const e = stats.byEndpoint[ENDPOINTS[k % ENDPOINTS.length]!];
    e.latencies.push(ms);
    e.statuses[status] = (e.statuses[status] ?? 0) + 1;
    stats.requests++;
    if (status !== 200) {
      e.errors++;
      stats.errors++;
    }
  });
  instance.on("reqError", () => stats.socketErrors++);
  const tick = o.onTick ? setInterval(() => o.onTick!({ ...stats, seconds: (performance.now() - t0) / 1000 }), 1000) : null;
  const result = await done;
  if (tick) clearInterval(tick);
  stats.timeouts = result.timeouts;
  stats.seconds = (performance.now() - t0) / 1000;
  return stats;
}

export const loadScenario: TScenario = {
  name: "load",
  defaultN: 1_000_000,
  summary: `${CLIENTS} staff clients on the real app for ${LOAD_SECONDS} s (roll list and search, a pensioner page, the case queue, the dashboard API) during a monthly run vs the same requests to a route that only returns 200`,
  async run(ctx) {
    if (ctx.external) throw new Error("load needs a fresh database: run it without DATABASE_URL");
    const { n } = ctx;
    const { actor, bdmi, ids } = await prepareMonthlyRun(ctx, [QUIET_PERIOD, LOADED_PERIOD]);
    let app: Awaited<ReturnType<typeof startApp>> | null = null;
    const floor = http.createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
    try {
      // Month one alone: the run's rate without load.
      const follow = (period: string) => setInterval(() => void doneOf(period).then((d) => ctx.progress(`${period} run`, d, ids.length), () => {}), 500);
      let f = follow(QUIET_PERIOD);
      const t0 = performance.now();
      const { nice: workerNice } = await runMonth(actor, bdmi.url, QUIET_PERIOD);
      const quietSeconds = (performance.now() - t0) / 1000;
      clearInterval(f);
      ctx.progress(`${QUIET_PERIOD} run`, ids.length, ids.length);
      const rateWithout = ids.length / quietSeconds;
      ctx.log(`run ${QUIET_PERIOD} without load: ${quietSeconds.toFixed(1)} s, ${Math.round(rateWithout).toLocaleString("en")} pensioners/s`);
      await refreshRollups();

      app = await startApp(ctx, bdmi.url);
      ctx.log(`setup: app on ${app.base}; signing in ${CLIENTS} supervisors (password + TOTP)`);
      const cookies: string[] = [];
      for (let i = 0; i < CLIENTS; i++) cookies.push(await signedInSupervisor(app.base));
      const pensionerIds = (await pool().query<{ id: string }>(`select id::text from pensioners tablesample system (1) limit 500`)).rows.map((r) => r.id);
      if (!pensionerIds.length) pensionerIds.push(...(await pool().query<{ id: string }>(`select id::text from pensioners limit 500`)).rows.map((r) => r.id));
      const regions = (await prisma().region.findMany({ where: { code: { startsWith: "52" }, level: { in: ["city", "county"] } }, select: { code: true } })).map((r) => r.code);
      ctx.log("setup: warming the app up (each endpoint, untimed)");
      await load(app.base, cookies, { amount: ENDPOINTS.length * CLIENTS * 2, pensionerIds, regions });

      // Month two with the staff at work.
      ctx.log(`timed: ${CLIENTS} clients for ${LOAD_SECONDS} s while the ${LOADED_PERIOD} run is worked`);
      let rollupsBusy = false;
      const rollups = setInterval(() => {
        if (rollupsBusy) return;
        rollupsBusy = true;
        void refreshRollups().catch((e) => ctx.log(`rollup refresh failed: ${(e as Error).message}`)).finally(() => (rollupsBusy = false));
      }, env.ROLLUP_INTERVAL_SECONDS * 1000);
      const runStarted = performance.now();
      let runEnded: number | null = null;
      const running = runMonth(actor, bdmi.url, LOADED_PERIOD).then((r) => ((runEnded = performance.now()), r));
      running.catch(() => {});
      let lastLog = 0;
      const loaded = await load(app.base, cookies, {
        seconds: LOAD_SECONDS,
        pensionerIds,
        regions,
        onTick: (s) => {
          ctx.progress("load", s.seconds, LOAD_SECONDS);
          if (s.seconds - lastLog >= 10) {
            lastLog = s.seconds;
            void doneOf(LOADED_PERIOD).then((d) => ctx.log(`  ${s.seconds.toFixed(0)} s: ${s.requests} requests, ${s.errors} errors; run ${d.toLocaleString("en")} of ${ids.length.toLocaleString("en")}`));
          }
        },
      });
      const loadEnded = performance.now();
      const doneAtLoadEnd = await doneOf(LOADED_PERIOD);
      ctx.progress("load", LOAD_SECONDS, LOAD_SECONDS);
      f = follow(LOADED_PERIOD);
      await running;
      clearInterval(f);
      clearInterval(rollups);
      const loadedRunSeconds = ((runEnded ?? performance.now()) - runStarted) / 1000;
      // The rate over the part of the run that had the load on it.
      const overlapEnd = Math.min(loadEnded, runEnded ?? loadEnded);
      const overlapSeconds = (overlapEnd - runStarted) / 1000;
      const doneUnderLoad = runEnded !== null && runEnded <= loadEnded ? ids.length : doneAtLoadEnd;
      const rateWith = doneUnderLoad / overlapSeconds;
      ctx.log(`run ${LOADED_PERIOD} with load: ${loadedRunSeconds.toFixed(1)} s in all; ${doneUnderLoad.toLocaleString("en")} pensioners in the ${overlapSeconds.toFixed(1)} s under load = ${Math.round(rateWith).toLocaleString("en")}/s`);

      // Floor: as many requests, same connections, to a route that only returns 200.
      await new Promise<void>((r) => floor.listen(0, "127.0.0.1", r));
      const floorBase = `http://127.0.0.1:${(floor.address() as AddressInfo).port}`;
      const floorStats = await load(floorBase, cookies, { amount: loaded.requests, pensionerIds, regions });
      const floorAll = ENDPOINTS.flatMap((e) => floorStats.byEndpoint[e].latencies);

      const all = ENDPOINTS.flatMap((e) => loaded.byEndpoint[e].latencies);
      const endpoints = Object.fromEntries(
        ENDPOINTS.map((e) => {
          const s = loaded.byEndpoint[e];
          return [e, { requests: s.latencies.length, errors: s.errors, statuses: s.statuses, p50Ms: round1(pct(s.latencies, 50)), p95Ms: round1(pct(s.latencies, 95)), p99Ms: round1(pct(s.latencies, 99)) }];
        }),
      );
      const errors = loaded.errors + loaded.socketErrors + loaded.timeouts;
      const p95 = pct(all, 95)!;
      for (const [e, s] of Object.entries(endpoints)) ctx.log(`  ${e.padEnd(15)} ${String(s.requests).padStart(6)} requests, p50 ${s.p50Ms} ms, p95 ${s.p95Ms} ms, p99 ${s.p99Ms} ms, errors ${s.errors}`);
      ctx.log(`all: ${loaded.requests} requests in ${loaded.seconds.toFixed(1)} s, p95 ${p95.toFixed(0)} ms (bar ≤ ${TARGET_P95_MS} ms: ${p95 <= TARGET_P95_MS ? "met" : "missed"}), errors ${errors} (bar 0: ${errors === 0 ? "met" : "missed"})`);
      ctx.log(`run rate: ${Math.round(rateWithout).toLocaleString("en")}/s without load, ${Math.round(rateWith).toLocaleString("en")}/s with it; floor p95 ${pct(floorAll, 95)?.toFixed(1)} ms; load average ${os.loadavg().map((x) => x.toFixed(2)).join(", ")}`);
      return {
        seconds: loadedRunSeconds,
        floorSeconds: floorStats.seconds,
        p50Ms: pct(all, 50),
        p95Ms: p95,
        ratioToFloor: p95 / Math.max(pct(floorAll, 95)!, 0.1),
        extra: {
          errors,
          requests: loaded.requests,
          loadSeconds: Math.round(loaded.seconds * 10) / 10,
          clients: CLIENTS,
          p99Ms: round1(pct(all, 99)),
          floorP95Ms: round1(pct(floorAll, 95)),
          runRateWithoutLoad: Math.round(rateWithout),
          runRateWithLoad: Math.round(rateWith),
          runSecondsWithoutLoad: Math.round(quietSeconds * 10) / 10,
          runUnderLoadSeconds: Math.round(overlapSeconds * 10) / 10,
          endpoints,
          socketErrors: loaded.socketErrors,
          timeouts: loaded.timeouts,
          loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
          targetP95Ms: TARGET_P95_MS,
          workerNice,
          n,
        },
      };
    } finally {
      await new Promise<void>((r) => (floor.listening ? floor.close(() => r()) : r()));
      await app?.stop();
      await bdmi.stop();
    }
  },
};
