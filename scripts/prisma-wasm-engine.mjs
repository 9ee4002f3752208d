#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, for machines where that
// binary cannot be downloaded. prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY
// here only when the native engine is absent.
//
// It speaks the native engine's protocol (newline-delimited JSON-RPC 2.0 on
// stdin/stdout, started as `schema-engine --datamodels <path>... --datasource <json>`)
// and delegates every call to @prisma/schema-engine-wasm, which reaches
// Postgres through @prisma/adapter-pg + pg.
//
// Work-arounds for @prisma/adapter-pg 7.10 on this path (see the patch* functions):
//  - catalog columns of Postgres's internal type "char" (oid 18) are rejected
//    ("Column type 'char' could not be deserialized"); they are decoded as text and
//    reported as the driver-adapter Character type the engine expects;
//  - executeScript() splits scripts on ";", which breaks dollar-quoted function
//    bodies; scripts are sent whole (simple query protocol), like the native engine;
//  - PrismaPg#connectToShadowDb() builds `{ connectionString, database }`, and pg
//    lets the connection string win, so the "shadow" database is silently the MAIN
//    one; shadow databases are created/connected here instead, and checked;
//  - it drops the shadow database while its pool still holds connections, which
//    fails; the pool is closed first.
// And for the wasm engine itself: evaluateDataLoss/createMigration cannot open a
// shadow database on their own (see handle()), its one-shot `cli` commands do not
// exist (implemented here with pg), and Rust panics inside async calls surface as
// uncaught exceptions (answered as panics; temporary shadow databases are dropped).
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";

// Resolve packages from this file's location, not from the caller's cwd.
const require = createRequire(import.meta.url);

// stdout carries the JSON-RPC stream only; anything else goes to stderr.
const writeStdout = process.stdout.write.bind(process.stdout);
for (const level of ["log", "info", "debug", "warn"]) {
  console[level] = (...args) => console.error(...args);
}

const ENGINES_HASH = (() => {
  try {
    return require("@prisma/engines-version/package.json").prisma.enginesVersion;
  } catch {
    return "unknown";
  }
})();

// ---------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const out = { datamodels: [], datasource: undefined, version: false, help: false, cli: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case "--datamodels":
        out.datamodels.push(value());
        break;
      case "--datasource":
        out.datasource = JSON.parse(value());
        break;
      case "--enabled-preview-features":
      case "--extension-types":
        value(); // not supported by the wasm engine; ignored
        break;
      case "--version":
      case "-V":
        out.version = true;
        break;
      case "--help":
      case "-h":
        out.help = true;
        break;
      case "cli":
        // One-shot commands: `schema-engine --datasource <json> cli <command>`.
        out.cli = argv[++i];
        break;
      default:
        break;
    }
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
if (args.version) {
  writeStdout(`schema-engine-cli ${ENGINES_HASH}\n`);
  process.exit(0);
}
if (args.help) {
  writeStdout("prisma-wasm-engine: JSON-RPC schema engine on stdio backed by @prisma/schema-engine-wasm\n");
  process.exit(0);
}

// ---------------------------------------------------------------------------
// Logging: the CLI reads stderr lines as tracing JSON ({ level, fields: { message } }).

function log(level, message) {
  process.stderr.write(JSON.stringify({ level, fields: { message }, target: "prisma_wasm_engine" }) + "\n");
}

function forwardEngineLog(chunk) {
  for (const line of String(chunk).split("\n")) {
    if (!line.trim()) continue;
    try {
      const { level } = JSON.parse(line);
      if (level === "TRACE" || level === "DEBUG") continue;
    } catch {
      // not JSON: forward as is
    }
    process.stderr.write(line + "\n");
  }
}

// ---------------------------------------------------------------------------
// Connection helpers

const mainUrl = args.datasource?.url || process.env.DATABASE_URL || undefined;
const shadowUrl = args.datasource?.shadowDatabaseUrl || process.env.SHADOW_DATABASE_URL || undefined;

const pg = require("pg");
const { PrismaPg } = require("@prisma/adapter-pg");
const { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } = require("@prisma/driver-adapter-utils");

const CHAR_OID = 18;
const TEXT_OID = 25;

/** pg config + adapter options for a postgres:// URL (honouring Prisma's `?schema=`). */
function connectionFor(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw userError("P1013", `The provided database string is invalid. Could not parse the database URL.`);
  }
  const schema = parsed.searchParams.get("schema") || undefined;
  // Prisma-only parameters that pg does not understand.
  for (const p of ["schema", "connection_limit", "pool_timeout", "pgbouncer", "statement_cache_size", "socket_timeout", "sslaccept"]) {
    parsed.searchParams.delete(p);
  }
  // idleTimeoutMillis 0: keep sessions (and the engine's session-level advisory
  // lock) alive until the process exits.
  const config = { connectionString: parsed.toString(), max: 4, idleTimeoutMillis: 0 };
  if (schema) config.options = `-c search_path="${schema.replaceAll('"', '""')}"`;
  return { config, options: schema ? { schema } : undefined, schema: schema ?? "public", database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || undefined };
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = "/" + encodeURIComponent(database);
  return parsed.toString();
}

const quoteIdent = (name) => `"${String(name).replaceAll('"', '""')}"`;

async function withClient(config, fn) {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * adapter-pg rejects Postgres's internal "char" type (oid 18), used all over the
 * catalogs the engine reads (pg_constraint.contype, pg_class.relkind, ...), and
 * has no scalar mapping to the driver-adapter "Character" column type the engine
 * then expects. Decode those columns as text and report them as Character.
 */
function patchCharColumns(queryable) {
  const performIO = queryable.performIO;
  const queryRaw = queryable.queryRaw;
  queryable.queryRaw = async function (query) {
    const result = await performIO.call(this, query);
    const charColumns = [];
    for (const [i, field] of (result?.fields ?? []).entries()) {
      if (field.dataTypeID === CHAR_OID) {
        field.dataTypeID = TEXT_OID;
        charColumns.push(i);
      }
    }
    // Run adapter-pg's own conversion on the result we already have.
    const self = Object.create(this, { performIO: { value: async () => result } });
    const converted = await queryRaw.call(self, query);
    for (const i of charColumns) converted.columnTypes[i] = ColumnTypeEnum.Character;
    return converted;
  };
  return queryable;
}

/** Apply the fixes to a PrismaPg adapter (and to the transactions it opens). */
function patchAdapter(adapter) {
  patchCharColumns(adapter);
  const startTransaction = adapter.startTransaction;
  adapter.startTransaction = async function (...rest) {
    return patchCharColumns(await startTransaction.apply(this, rest));
  };
  // Send migration scripts whole instead of splitting them on ";" (which breaks
  // `$$ ... $$` bodies). Multi-statement simple queries run in one implicit
  // transaction, as with the native engine.
  adapter.executeScript = async function (script) {
    try {
      await this.client.query(script);
    } catch (error) {
      this.onError(error);
    }
  };
  return adapter;
}

async function connectAdapter(url, release) {
  const { config, options } = connectionFor(url);
  const pool = new pg.Pool(config);
  pool.on("error", (err) => log("WARN", `idle pool client error: ${err.message}`));
  const factory = new PrismaPg(pool, { ...options, disposeExternalPool: true });
  const adapter = patchAdapter(await factory.connect());
  const dispose = adapter.dispose;
  adapter.dispose = async function () {
    await dispose.call(this); // ends the pool
    if (release) await release();
  };
  return adapter;
}

/** Fail unless `adapter` is connected to database `expected`. */
async function assertDatabase(adapter, expected) {
  const { rows } = await adapter.client.query("SELECT current_database() AS db");
  const actual = rows[0]?.db;
  if (actual !== expected) {
    throw new Error(`Refusing to use the shadow database: connected to "${actual}", expected "${expected}".`);
  }
}

/**
 * True if `adapter` (the configured shadow database) is the very database `main`
 * points at, whatever host aliases the two URLs use: tag the shadow session with
 * a random application_name and look for it from the main database. Fails closed.
 */
async function isSameDatabase(adapter, main, shadow) {
  const a = new URL(main.config.connectionString);
  const b = new URL(shadow.config.connectionString);
  if (a.hostname === b.hostname && (a.port || "5432") === (b.port || "5432") && main.database === shadow.database) return true;

  const token = `pwe-${randomUUID()}`; // application_name keeps only 63 bytes; this is 40
  const client = await adapter.client.connect();
  try {
    await client.query(`SET application_name = '${token}'`);
    const self = await client.query("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()");
    if (self.rows[0]?.application_name !== token) {
      throw new Error("Could not verify that the shadow database is not the main database; refusing to reset it.");
    }
    const { rows } = await withClient(main.config, (c) =>
      c.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", [token]),
    );
    return rows.length > 0;
  } finally {
    await client.query("RESET application_name").catch(() => {});
    client.release();
  }
}

const openShadowDatabases = new Set();

class WasmEngineAdapterFactory {
  provider = "postgres";
  adapterName = "@prisma/adapter-pg";

  async connect() {
    if (!mainUrl) {
      throw new Error(
        "prisma-wasm-engine needs a database connection even for offline diffs: set DATABASE_URL (datasource.url in prisma.config.ts).",
      );
    }
    return connectAdapter(mainUrl);
  }

  async connectToShadowDb() {
    if (shadowUrl) return this.connectToConfiguredShadowDb();
    return this.connectToTemporaryShadowDb();
  }

  /** SHADOW_DATABASE_URL: reset it (as the native engine does) and use it. */
  async connectToConfiguredShadowDb() {
    const shadow = connectionFor(shadowUrl);
    const main = mainUrl ? connectionFor(mainUrl) : undefined;
    const adapter = await connectAdapter(shadowUrl);
    try {
      if (shadow.database) await assertDatabase(adapter, shadow.database);
      if (main && (await isSameDatabase(adapter, main, shadow))) {
        throw userError(
          "P3014",
          "The shadow database you configured appears to be the same as the main database. Please specify another shadow database.",
        );
      }
      await adapter.client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(shadow.schema)} CASCADE; CREATE SCHEMA ${quoteIdent(shadow.schema)}`);
    } catch (error) {
      await adapter.dispose().catch(() => {});
      throw error;
    }
    return adapter;
  }

  /** No shadow URL: create a throw-away database next to the main one. */
  async connectToTemporaryShadowDb() {
    const main = connectionFor(mainUrl);
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await withClient(main.config, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
    openShadowDatabases.add(name);
    const drop = async () => {
      await withClient(main.config, async (c) => {
        try {
          await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
        } catch (error) {
          if (error?.code !== "55006") throw error; // object_in_use: force (PostgreSQL 13+)
          await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        }
      });
      openShadowDatabases.delete(name);
    };
    let adapter;
    try {
      adapter = await connectAdapter(withDatabase(mainUrl, name), drop);
      await assertDatabase(adapter, name);
    } catch (error) {
      if (adapter) await adapter.dispose().catch(() => {});
      else await drop().catch(() => {});
      throw error;
    }
    return adapter;
  }
}

async function dropLeftoverShadowDatabases() {
  if (!openShadowDatabases.size || !mainUrl) return;
  const main = connectionFor(mainUrl);
  await withClient(main.config, async (c) => {
    for (const name of openShadowDatabases) {
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).catch(() => {});
    }
  }).catch(() => {});
  openShadowDatabases.clear();
}

// ---------------------------------------------------------------------------
// One-shot `cli` commands (no wasm needed). The CLI reads their errors from stderr:
// every line after the first must be JSON, and the error is the line with
// level ERROR, target "schema_engine::logger" and fields { error_code, message }.

function describeLocation(config) {
  try {
    const u = new URL(config.connectionString);
    return `${decodeURIComponent(u.hostname)}:${u.port || 5432}`;
  } catch {
    return "the database server";
  }
}

/** Map a pg / socket error to the native engine's user-facing error codes. */
function toKnownError(error, config, database) {
  const location = describeLocation(config);
  switch (error?.code) {
    case "3D000":
      return userError("P1003", `Database \`${database}\` does not exist on the database server at \`${location}\`.`, { database_name: database, database_location: location });
    case "42P04":
      return userError("P1009", `Database \`${database}\` already exists on the database server at \`${location}\``, { database_name: database, database_location: location });
    case "28P01":
    case "28000":
      return userError("P1000", `Authentication failed against database server at \`${location}\`, the provided database credentials are not valid.`, { database_location: location });
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EHOSTUNREACH":
      return userError("P1001", `Can't reach database server at \`${location}\``, { database_location: location });
    case "ETIMEDOUT":
      return userError("P1002", `The database server at \`${location}\` was reached but timed out.`, { database_location: location });
    default:
      return error;
  }
}

async function runCliCommand(command) {
  log("INFO", `Starting schema engine CLI (prisma-wasm-engine ${ENGINES_HASH})`);
  const { config, database } = connectionFor(mainUrl ?? "");
  switch (command) {
    case "can-connect-to-database":
      await withClient(config, (c) => c.query("SELECT 1")).catch((e) => {
        throw toKnownError(e, config, database);
      });
      return;
    case "create-database":
    case "drop-database": {
      if (!database) throw new Error(`${command}: the datasource URL names no database`);
      const admin = { ...config, connectionString: withDatabase(config.connectionString, "postgres") };
      const sql = command === "create-database" ? `CREATE DATABASE ${quoteIdent(database)}` : `DROP DATABASE ${quoteIdent(database)}`;
      await withClient(admin, (c) => c.query(sql)).catch((e) => {
        throw toKnownError(e, config, database);
      });
      writeStdout(JSON.stringify({ database_name: database }) + "\n");
      return;
    }
    default:
      throw new Error(`Unsupported cli command: ${command}`);
  }
}

if (args.cli !== undefined) {
  try {
    await runCliCommand(args.cli);
    process.exit(0);
  } catch (error) {
    const fields = { is_panic: false, message: String(error?.message ?? error) };
    if (typeof error?.code === "string" && /^P\d{4}$/.test(error.code)) fields.error_code = error.code;
    process.stderr.write(JSON.stringify({ level: "ERROR", fields, target: "schema_engine::logger" }) + "\n");
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------
// The wasm engine

let panicMessage;
globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message) {
    panicMessage = `RuntimeError: ${message}`;
    log("ERROR", `schema-engine-wasm panicked: ${message}`);
  },
};

async function loadWasmModule() {
  const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bg = await import(pathToFileURL(bgPath).href);
  const bytes = await fs.promises.readFile(path.join(path.dirname(bgPath), "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return bg;
}

let enginePromise;
let boundFactory;
function getEngine() {
  enginePromise ??= (async () => {
    const wasm = await loadWasmModule();
    const datamodels = args.datamodels.length
      ? await Promise.all(args.datamodels.map(async (p) => [p, await fs.promises.readFile(p, "utf8")]))
      : undefined;
    boundFactory = bindMigrationAwareSqlAdapterFactory(new WasmEngineAdapterFactory());
    return wasm.SchemaEngine.new({ datamodels }, forwardEngineLog, boundFactory);
  })();
  // Do not cache failures (e.g. database missing before createDatabase).
  enginePromise.catch(() => {
    enginePromise = undefined;
  });
  return enginePromise;
}

// ---------------------------------------------------------------------------
// JSON-RPC

function userError(code, message, meta = {}) {
  const error = new Error(message);
  error.code = code;
  error.meta = meta;
  return error;
}

function toRpcError(error, fatal = false) {
  if (fatal || error instanceof WebAssembly.RuntimeError || panicMessage) {
    const message = panicMessage ?? String(error?.message ?? error);
    return { code: 4466, message, data: { is_panic: true, message, backtrace: error?.stack ?? null } };
  }
  const message = String(error?.message ?? error);
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string" && /^P\d{4}$/.test(error.code)) {
    return {
      code: 4466,
      message: "An error happened. Check the data field for details.",
      data: { is_panic: false, message, meta: error.meta ?? {}, error_code: error.code },
    };
  }
  return {
    code: 4466,
    message: "An error happened. Check the data field for details.",
    data: { is_panic: false, message, meta: { full_error: message }, error_code: undefined },
  };
}

/**
 * Errors thrown by our JS adapter code reach the engine as "External error id#N"
 * (an index into the adapter's error registry). Surface the original error.
 */
function resolveJsError(error) {
  const id = /External error id#(\d+)/.exec(String(error?.message ?? ""))?.[1];
  const original = id !== undefined ? boundFactory?.errorRegistry?.consumeError(Number(id))?.error : undefined;
  if (!original) return error;
  if (typeof original.code === "string" && /^P\d{4}$/.test(original.code)) return original;
  const wrapped = new Error(String(error.message).replace(/External error id#\d+/, String(original?.message ?? original)));
  return wrapped;
}

/** The native engine reports a failing migration script as P3018; the wasm one as a generic error. */
function asMigrationFailedError(error) {
  const message = String(error?.message ?? "");
  if (error?.code || !message.includes("apply_migration::apply_script")) return error;
  const name = /migration_name="([^"]+)"/.exec(message)?.[1] ?? "(unknown)";
  const dbError = message
    .split("\n")
    .filter((line) => !/^\s+(\d+:|at |with )/.test(line))
    .join("\n")
    .replace(/^external connector error\n/, "")
    .trim();
  return userError(
    "P3018",
    "A migration failed to apply. New migrations cannot be applied before the error is recovered from. " +
      "Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n" +
      `Migration name: ${name}\n\nDatabase error:\n${dbError}`,
    { migration_name: name, database_error: dbError },
  );
}

let outgoingId = 1_000_000;
function printToCli(content) {
  writeStdout(JSON.stringify({ jsonrpc: "2.0", id: outgoingId++, method: "print", params: { content } }) + "\n");
}

async function createDatabase() {
  if (!mainUrl) throw new Error("createDatabase: no datasource URL");
  const { config, database } = connectionFor(mainUrl);
  if (!database) throw new Error("createDatabase: the datasource URL names no database");
  const adminUrl = withDatabase(config.connectionString, "postgres");
  await withClient({ ...config, connectionString: adminUrl }, async (c) => {
    try {
      await c.query(`CREATE DATABASE ${quoteIdent(database)}`);
    } catch (error) {
      if (error?.code !== "42P04") throw error; // already exists
    }
  });
  return { databaseName: database };
}

const passthrough = new Set([
  "dbExecute",
  "devDiagnostic",
  "diagnoseMigrationHistory",
  "ensureConnectionValidity",
  "introspect",
  "introspectSql",
  "markMigrationApplied",
  "markMigrationRolledBack",
  "reset",
  "schemaPush",
]);

async function handle(method, params) {
  switch (method) {
    case "createDatabase":
      return createDatabase();
    case "getDatabaseVersion":
      return (await getEngine()).version(params ?? null);
    case "debugPanic":
      return (await getEngine()).debugPanic();
    case "diff": {
      const { stdout, ...rest } = await (await getEngine()).diff(params);
      // The native engine prints through the CLI's "print" request.
      if (stdout) printToCli(stdout.endsWith("\n") ? stdout.slice(0, -1) : stdout);
      return { ...rest, stdout: null };
    }
    case "evaluateDataLoss":
    case "createMigration": {
      const engine = await getEngine();
      try {
        return (await engine[method](params)) ?? {};
      } catch (error) {
        // The wasm engine only reaches the shadow database from devDiagnostic /
        // diagnoseMigrationHistory / diff; these two commands rely on its cache of
        // "schema after the migrations", filled by those. On a cache miss (e.g.
        // `migrate dev` on an empty database: nothing was applied when
        // devDiagnostic ran) they fail with this message. Fill the cache, retry.
        if (!String(error?.message).includes("shadow DB must be provided through an external factory")) throw error;
        log("INFO", `${method}: warming the migrations schema cache through diagnoseMigrationHistory`);
        await engine.diagnoseMigrationHistory({
          migrationsList: params.migrationsList,
          optInToShadowDatabase: true,
          filters: params.filters ?? { externalTables: [], externalEnums: [] },
        });
        return (await engine[method](params)) ?? {};
      }
    }
    case "applyMigrations": {
      const engine = await getEngine();
      try {
        return (await engine.applyMigrations(params)) ?? {};
      } catch (error) {
        throw asMigrationFailedError(error);
      }
    }
    default:
      if (passthrough.has(method)) {
        const engine = await getEngine();
        const result = await engine[method](params ?? {});
        return result ?? {};
      }
      throw new Error(`Method not supported by prisma-wasm-engine: ${method}`);
  }
}

let queue = Promise.resolve();
let inFlight; // the request being handled
function onLine(line) {
  if (!line.trim()) return;
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    log("ERROR", `invalid JSON-RPC line: ${line.slice(0, 200)}`);
    return;
  }
  if (!message.method) return; // a reply to our own "print" request
  // The wasm engine is single-threaded and takes `&mut self`: run requests one at a time.
  queue = queue.then(async () => {
    inFlight = message;
    let reply;
    try {
      const result = await handle(message.method, message.params);
      reply = { jsonrpc: "2.0", id: message.id, result: result ?? null };
    } catch (caught) {
      const error = resolveJsError(caught);
      log("ERROR", String(error?.message ?? error));
      reply = { jsonrpc: "2.0", id: message.id, error: toRpcError(error) };
    }
    inFlight = undefined;
    if (message.id !== undefined && message.id !== null) writeStdout(JSON.stringify(reply) + "\n");
  });
}

// A Rust panic inside an engine future surfaces as an uncaught RuntimeError, not
// as a rejection: answer the pending request as a panic, clean up, exit like the
// native engine does after a panic (101).
let dying = false;
async function onFatal(error) {
  if (dying) return;
  dying = true;
  log("ERROR", `fatal: ${error?.stack ?? error}`);
  if (inFlight && inFlight.id !== undefined && inFlight.id !== null) {
    writeStdout(JSON.stringify({ jsonrpc: "2.0", id: inFlight.id, error: toRpcError(error, true) }) + "\n");
  }
  await dropLeftoverShadowDatabases();
  process.exit(101);
}
process.on("uncaughtException", onFatal);
process.on("unhandledRejection", onFatal);

// The CLI ends stdin and immediately SIGTERMs us when it is done.
async function shutdown(code) {
  await dropLeftoverShadowDatabases();
  process.exit(code);
}

readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on("line", onLine).on("close", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));
process.on("SIGINT", () => shutdown(130));
