// npm start / npm run dev: the whole platform in one command. Starts (or joins) the embedded
// PostgreSQL unless DATABASE_URL is set, applies migrations, seeds the demo on first start (embedded
// only), builds the app if its sources changed, then runs the app, the worker and the reference
// BDMI service until Ctrl-C. On the demo's first start it also loads a year of demo evidence into
// BDMI and works the past months' runs, so the pages have history to show.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { childEnv, env } from "../lib/env.js";
import { EmbeddedPostgresError, freePort, portFree, startEmbeddedPostgres, type TDatabase } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { copyFaceModels } from "./copy-face-models.mjs";

const require = createRequire(import.meta.url);
const dev = process.argv.includes("--dev");
const say = (m: string) => console.log(`[start] ${m}`);
const children: ChildProcess[] = [];
let db: TDatabase | null = null;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "generated" || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function needsBuild(): boolean {
  const id = ".next/BUILD_ID";
  if (!existsSync(id)) return true;
  const built = statSync(id).mtimeMs;
  const sources = ["app", "components", "lib", "messages", "public"].filter(existsSync).map(newestMtime);
  const files = ["next.config.mjs", "package.json", "postcss.config.mjs"].filter(existsSync).map((f) => statSync(f).mtimeMs);
  return Math.max(...sources, ...files) > built;
}

function run(cmd: string, args: string[], extraEnv: Record<string, string>, name: string): ChildProcess {
  const child = spawn(cmd, args, { env: childEnv(extraEnv), stdio: ["ignore", "inherit", "inherit"] });
  child.on("exit", (code, signal) => {
    if (!shuttingDown) {
      say(`${name} exited (${signal ?? code}); stopping`);
      void shutdown(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

async function runToEnd(cmd: string, args: string[], extraEnv: Record<string, string>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const c = spawn(cmd, args, { env: childEnv(extraEnv), stdio: ["ignore", "inherit", "inherit"] });
    c.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}`))));
  });
}

let shuttingDown = false;
async function shutdown(code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  say("stopping…");
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode) return resolve();
          c.once("exit", () => resolve());
          c.kill("SIGTERM");
          setTimeout(() => c.kill("SIGKILL"), 10_000).unref();
        }),
    ),
  );
  await db?.stop();
  say("stopped");
  process.exit(code);
}

async function main() {
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  db = env.DATABASE_URL && env.PENSION_EMBEDDED !== "1" ? { url: env.DATABASE_URL, embedded: false, stop: async () => {} } : await startEmbeddedPostgres(env.DATA_DIR, say);
  const dbEnv = { DATABASE_URL: db.url, PENSION_EMBEDDED: db.embedded ? "1" : "0" };
  say("applying migrations");
  await migrate(db.url);
  const tsx = [require.resolve("tsx/cli"), "--conditions=react-server"];
  let firstStart = false;
  if (db.embedded) {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query<{ n: string }>("select count(*) as n from users");
    await c.end();
    if (rows[0]?.n === "0") {
      say("first start: seeding demo data");
      await runToEnd(process.execPath, [...tsx, "scripts/seed.ts"], dbEnv);
      firstStart = true;
    }
  }
  // The kiosk loads Human's face models from public/models (git-ignored): copy them before serving.
  copyFaceModels({ quiet: true });
  const next = require.resolve("next/dist/bin/next");
  if (!dev && needsBuild()) {
    say("building the app (sources changed since the last build)");
    await runToEnd(process.execPath, [next, "build"], { ...dbEnv, NODE_ENV: "production" });
  }
  // The reference BDMI service, unless BDMI_URL points at a real one.
  let bdmiEnv: Record<string, string> = {};
  if (!env.BDMI_URL) {
    const bdmiPort = (await portFree(env.BDMI_PORT)) ? env.BDMI_PORT : await freePort();
    const bdmiUrl = `http://${env.BDMI_HOST}:${bdmiPort}`;
    bdmiEnv = { BDMI_URL: bdmiUrl };
    run(process.execPath, [...tsx, "lib/bdmi/service/main.ts"], { ...dbEnv, BDMI_PORT: String(bdmiPort) }, "bdmi");
    await waitForHealth(`${bdmiUrl}/healthz`, 60_000);
  }
  const port = (await portFree(env.PORT)) ? env.PORT : await freePort();
  run(process.execPath, [...tsx.filter((a) => a !== "--conditions=react-server"), "scripts/app-server.ts", ...(dev ? ["--dev"] : []), "-H", env.HOST, "-p", String(port)], { ...dbEnv, ...bdmiEnv, NODE_ENV: dev ? "development" : "production" }, "app");
  run(process.execPath, [...(dev ? [require.resolve("tsx/cli"), "watch", "--conditions=react-server"] : tsx), "lib/worker/main.ts"], { ...dbEnv, ...bdmiEnv }, "worker");
  const url = `http://localhost:${port}`;
  say(`app:    ${url}   (kiosk: ${url}/kiosk)`);
  say(`db:     ${db.embedded ? `embedded PostgreSQL, data in ${db.location}` : "DATABASE_URL"}`);
  if (db.embedded) say("sign in: officer / supervisor / admin (officer-zunyi too), password demo-pass-2026; supervisor and admin also need a code: npm run demo:code");
  say(`bdmi:   ${bdmiEnv.BDMI_URL ?? env.BDMI_URL} (OpenAPI at /v1/openapi.json)`);
  say("Ctrl-C stops everything");
  if (firstStart) {
    say("first start: loading demo evidence into BDMI and working the past months' runs (the app is usable meanwhile)");
    // A failure here leaves a demo without history, not a platform that will not start.
    await runToEnd(process.execPath, [...tsx, "scripts/demo-history.ts"], { ...dbEnv, ...bdmiEnv }).then(
      () => say("demo history ready"),
      (e) => say(`demo history failed (${(e as Error).message}); the platform runs on`),
    );
  }
}

async function waitForHealth(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (shuttingDown) return;
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

main().catch(async (e) => {
  // What a person can fix is said in one line; anything else keeps its stack for a bug report.
  if (e instanceof EmbeddedPostgresError) say(`cannot start: ${e.message}`);
  else console.error(e);
  await shutdown(1);
});
