import { MAX_FEED_ITEMS, ZFeedReport, ZSubjectsResponse, type TFeedReport } from "./contract";
import { demoFeedId, demoItemsFor } from "./demo-evidence";
import { bdmiExchange, type TBdmiEndpoint } from "./transport";

// Loads the demo evidence (demo-evidence.ts) into a BDMI service through its signed API: enrols the
// roll, then posts each month as one feed per source and chunk. Feed ids are fixed by (period,
// source, chunk), so running it again replays the feeds instead of loading them twice, provided
// the roll is the same and in the same order. No platform database here: the caller passes the IDs.

export type TDemoProgress =
  | { kind: "enrolled"; done: number; total: number; added: number }
  | { kind: "feed"; period: string; feedId: string; report: TFeedReport; ms: number };

export type TLoadDemoOptions = {
  endpoint: TBdmiEndpoint;
  nationalIds: readonly string[];
  periods: readonly string[];
  seed?: number;
  /** Enrol the IDs first (POST /v1/subjects); default true. */
  enrol?: boolean;
  /** Lines per feed; default 200,000 (the service takes up to MAX_FEED_ITEMS). */
  feedItems?: number;
  /** Feeds in flight at once; default 2. */
  concurrency?: number;
  onProgress?: (p: TDemoProgress) => void;
};

export type TLoadDemoResult = { enrolledAdded: number; feeds: TFeedReport[]; items: number; accepted: number; ms: number };

export const DEMO_SEED = 2026;
const ENROL_CHUNK = 50_000;

async function post(ep: TBdmiEndpoint, pathWithQuery: string, body: string, contentType = "application/json"): Promise<unknown> {
  const r = await bdmiExchange(ep, { method: "POST", pathWithQuery, body, contentType });
  if (r.status !== 200) throw new Error(`BDMI POST ${pathWithQuery} answered ${r.status}: ${r.body.toString("utf8").slice(0, 500)}`);
  return r.json();
}

export async function loadDemoEvidence(opts: TLoadDemoOptions): Promise<TLoadDemoResult> {
  const t0 = performance.now();
  const seed = opts.seed ?? DEMO_SEED;
  const feedItems = Math.min(opts.feedItems ?? 200_000, MAX_FEED_ITEMS);
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const ep = opts.endpoint;
  let enrolledAdded = 0;

  if (opts.enrol ?? true) {
    // `concurrency` chunks in flight, as for feeds: the service hashes and encrypts one chunk while
    // PostgreSQL stores the other.
    let next = 0;
    let done = 0;
    const lane = async () => {
      for (let i = next; i < opts.nationalIds.length; i = next) {
        next += ENROL_CHUNK;
        const chunk = opts.nationalIds.slice(i, i + ENROL_CHUNK);
        const r = ZSubjectsResponse.parse(await post(ep, "/v1/subjects", JSON.stringify({ nationalIds: chunk })));
        enrolledAdded += r.added;
        done += chunk.length;
        opts.onProgress?.({ kind: "enrolled", done, total: opts.nationalIds.length, added: r.added });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  }

  const feeds: TFeedReport[] = [];
  let items = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  const send = async (period: string, feedId: string, lines: string[]) => {
    // Bounded parallelism: generating the next feed overlaps the service loading this one.
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
    const started = performance.now();
    const p = post(ep, `/v1/evidence/feeds?feedId=${encodeURIComponent(feedId)}`, lines.join("\n") + "\n", "application/x-ndjson")
      .then((json) => {
        const report = ZFeedReport.parse(json);
        feeds.push(report);
        opts.onProgress?.({ kind: "feed", period, feedId, report, ms: performance.now() - started });
      })
      .catch((e) => void (failure ??= e))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  for (const period of opts.periods) {
    const buffers = new Map<string, string[]>();
    const chunkNo = new Map<string, number>();
    const flush = async (source: string) => {
      const lines = buffers.get(source);
      if (!lines?.length) return;
      buffers.set(source, []);
      const n = chunkNo.get(source) ?? 0;
      chunkNo.set(source, n + 1);
      await send(period, demoFeedId(period, source, n), lines);
    };
    for (const id of opts.nationalIds) {
      for (const it of demoItemsFor(id, period, seed)) {
        let lines = buffers.get(it.source);
        if (!lines) buffers.set(it.source, (lines = []));
        lines.push(JSON.stringify(it));
        items++;
        if (lines.length >= feedItems) await flush(it.source);
      }
    }
    for (const source of [...buffers.keys()].sort()) await flush(source);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return { enrolledAdded, feeds, items, accepted: feeds.reduce((n, f) => n + f.accepted, 0), ms: performance.now() - t0 };
}
