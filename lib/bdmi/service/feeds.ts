import { createHash } from "node:crypto";
import { once } from "node:events";
import { StringDecoder } from "node:string_decoder";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { nationalIdProblem } from "../../domain/national-id";
import { MAX_FEED_ITEMS, periodOfInstant, ZFeedItem, type TFeedReport } from "../contract";
import { MODEL_V1 } from "../survival-model";
import type { TBdmiContext } from "./context";
import { ProblemError } from "./problem";
import { subjectOf } from "./subject-crypto";

// An evidence feed is JSON Lines, up to MAX_FEED_ITEMS of them. It is parsed as it streams in:
// valid lines go to a temporary table by COPY, and one INSERT … SELECT then keeps those of
// enrolled subjects. The feed's report row is written in the same transaction, so a feed is
// loaded entirely or not at all, and a repeated feed id loads nothing.

export const MAX_FEED_BYTES = 256 * 1024 * 1024;
const MAX_REJECTIONS_REPORTED = 1000;
const COPY_CHUNK = 256 * 1024;

const KNOWN = new Set<string>([
  MODEL_V1.checkItem,
  MODEL_V1.manualItem,
  ...Object.keys(MODEL_V1.weights),
  ...MODEL_V1.strongItems,
  ...MODEL_V1.deathItems,
  ...MODEL_V1.sentenceItems,
  ...MODEL_V1.recordedItems,
]);

const COPY_SPECIAL = /[\\\t\n\r]/;
/** COPY text format: backslash, tab, newline and carriage return are escaped. */
function copyText(s: string): string {
  if (!COPY_SPECIAL.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

export type TStoredFeed = { agency: string; report: TFeedReport };

export async function storedFeed(pool: pg.Pool, feedId: string): Promise<TStoredFeed | null> {
  const { rows } = await pool.query<TStoredFeed>("select agency, report from bdmi.feeds where feed_id = $1", [feedId]);
  return rows[0] ?? null;
}

/** Reads a body to its end, hashing it, without keeping it (the stored report answers a replayed feed). */
export async function hashBody(body: AsyncIterable<Buffer>, maxBytes = MAX_FEED_BYTES): Promise<string> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw tooLarge(`the feed is larger than ${maxBytes} bytes`);
    hash.update(chunk);
  }
  return hash.digest("hex");
}

function tooLarge(detail: string): ProblemError {
  return new ProblemError(413, "too-large", "Payload too large", detail);
}

/**
 * Loads one feed. `authorise(bodySha256)` runs once the whole body is in and before anything is
 * committed: it checks the signature and the nonce, and throws to abort the load.
 */
export async function loadFeed(
  ctx: TBdmiContext,
  opts: { feedId: string; agency: string; body: AsyncIterable<Buffer>; authorise: (bodySha256: string) => Promise<void> },
): Promise<TFeedReport> {
  const report: TFeedReport = {
    feedId: opts.feedId,
    replayed: false,
    received: 0,
    accepted: 0,
    rejected: 0,
    unknownCodes: 0,
    notEnrolled: 0,
    rejections: [],
  };
  const reject = (line: number, field: string, reason: string) => {
    if (report.rejections.length < MAX_REJECTIONS_REPORTED) report.rejections.push({ line, field, reason });
  };

  const client = await ctx.pool.connect();
  let open = false;
  let copying = false;
  let released = false;
  try {
    await client.query("begin");
    open = true;
    // The semi-join against subjects and the sort by subject then stay in memory.
    await client.query("set local work_mem = '256MB'");
    await client.query(`create temp table feed_stage (subject bytea, period text, source text, item text, result smallint,
      at timestamptz, source_ref text) on commit drop`);
    const copy = client.query(copyFrom("copy feed_stage from stdin"));
    copying = true;
    const copyDone = new Promise<void>((resolve, reject) => {
      copy.on("finish", resolve);
      copy.on("error", reject);
    });
    // Without a listener a COPY failure would crash the process before copyDone is awaited.
    copyDone.catch(() => {});

    // Subjects and ID checks per distinct ID: a feed repeats an ID for each of its records.
    const subjectHex = new Map<string, string | { problem: string }>();
    let out: string[] = [];
    let outLen = 0;
    const flush = async () => {
      if (!out.length) return;
      const chunk = out.join("");
      out = [];
      outLen = 0;
      if (!copy.write(chunk)) await Promise.race([once(copy, "drain"), copyDone]);
    };

    const hash = createHash("sha256");
    const decoder = new StringDecoder("utf8");
    let bytes = 0;
    let lineNo = 0;
    let rest = "";

    const handleLine = (raw: string) => {
      lineNo++;
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (line.trim() === "") return;
      report.received++;
      if (report.received > MAX_FEED_ITEMS) throw tooLarge(`a feed holds at most ${MAX_FEED_ITEMS} items`);
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch (e) {
        report.rejected++;
        reject(lineNo, "", `bad JSON: ${(e as Error).message}`);
        return;
      }
      const parsed = ZFeedItem.safeParse(obj);
      if (!parsed.success) {
        report.rejected++;
        const i = parsed.error.issues[0]!;
        reject(lineNo, i.path.map(String).join("."), i.message);
        return;
      }
      const it = parsed.data;
      let sub = subjectHex.get(it.nationalId);
      if (sub === undefined) {
        const problem = nationalIdProblem(it.nationalId);
        sub = problem ? { problem } : subjectOf(ctx.subjectKey, it.nationalId).toString("hex");
        if (subjectHex.size > 1_000_000) subjectHex.clear();
        subjectHex.set(it.nationalId, sub);
      }
      if (typeof sub !== "string") {
        report.rejected++;
        reject(lineNo, "nationalId", `not a valid GB 11643 number (${sub.problem})`);
        return;
      }
      const ms = Date.parse(it.at);
      if (Number.isNaN(ms)) {
        report.rejected++;
        reject(lineNo, "at", "not a valid instant");
        return;
      }
      const row =
        `\\\\x${sub}\t${periodOfInstant(new Date(ms))}\t${copyText(it.source)}\t${copyText(it.item)}\t${it.result}\t` +
        `${new Date(ms).toISOString()}\t${it.sourceRef === undefined ? "\\N" : copyText(it.sourceRef)}\n`;
      out.push(row);
      outLen += row.length;
    };

    for await (const chunk of opts.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > MAX_FEED_BYTES) throw tooLarge(`the feed is larger than ${MAX_FEED_BYTES} bytes`);
      hash.update(chunk);
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
        handleLine(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
      if (outLen >= COPY_CHUNK) await flush();
    }
    rest += decoder.end();
    if (rest) handleLine(rest);
    await flush();
    copy.end();
    await copyDone;
    copying = false;

    // Nothing is kept unless the request proves to be the agency's, untampered and new.
    await opts.authorise(hash.digest("hex"));

    // Sorted by subject, the new rows land on neighbouring index pages instead of random ones.
    // Unknown codes are counted over what was actually stored, in the same statement.
    const ins = await client.query<{ accepted: number; unknown: number }>(
      `with ins as (
         insert into bdmi.evidence (subject, period, source, item, result, at, feed_id, source_ref)
         select s.subject, s.period, s.source, s.item, s.result, s.at, $1, s.source_ref
           from feed_stage s
          where exists (select 1 from bdmi.subjects su where su.subject = s.subject)
          order by s.period, s.subject
         returning source, item)
       select count(*)::int as accepted, (count(*) filter (where source || '/' || item <> all($2::text[])))::int as unknown from ins`,
      [opts.feedId, [...KNOWN]],
    );
    report.accepted = ins.rows[0]!.accepted;
    report.unknownCodes = ins.rows[0]!.unknown;
    report.notEnrolled = report.received - report.rejected - report.accepted;

    const saved = await client.query(
      "insert into bdmi.feeds (feed_id, agency, report) values ($1, $2, $3) on conflict (feed_id) do nothing",
      [opts.feedId, opts.agency, JSON.stringify(report)],
    );
    if (saved.rowCount === 0) {
      // The same feed id was loaded concurrently and committed first: this copy is discarded.
      await client.query("rollback");
      open = false;
      released = true;
      client.release();
      const first = await storedFeed(ctx.pool, opts.feedId);
      return { ...first!.report, replayed: true };
    }
    await client.query("commit");
    open = false;
    released = true;
    client.release();
    return report;
  } catch (e) {
    // A connection stopped mid-COPY cannot take a ROLLBACK: it is closed instead, which rolls back.
    if (!released) {
      if (open && !copying) await client.query("rollback").catch(() => {});
      client.release(copying ? (e as Error) : undefined);
    }
    throw e;
  }
}
