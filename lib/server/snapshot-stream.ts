import "server-only";
import type pg from "pg";
import { streamPool } from "../db/client";
import { AppError } from "./app-error";
import { log } from "./log";

/** Rows fetched from the cursor per pull. */
export const STREAM_FETCH = 1000;

/** What a snapshot download is made of: a head, the cursor's rows in batches, a tail. */
export type TSnapshotSource<C, R> = {
  /** Reads, inside the snapshot, what the head and tail need; an error here is still a proper error response. */
  open: (client: pg.PoolClient) => Promise<C>;
  /** The rows in output order, walked by a server-side cursor. */
  sql: string;
  params: unknown[];
  head: (ctx: C) => string;
  /** One batch of rows as text; it may read more from the same snapshot through `client`. */
  encode: (rows: R[], ctx: C, client: pg.PoolClient) => string | Promise<string>;
  tail: (ctx: C) => string;
};

class Cancelled extends Error {}

/**
 * A download of any size in constant memory, consistent as of one moment: a read-only
 * repeatable-read transaction on a connection of the stream pool, a server-side cursor fetched
 * `batch` rows at a time as the reader pulls. A database error mid-stream errors the stream (the
 * HTTP response is then aborted, never ended as if complete); the connection goes back to the pool
 * on every path, a reader's cancel included. Everything up to the cursor's declaration happens
 * before this returns, so its errors become ordinary problem responses.
 */
export async function snapshotStream<C, R>(src: TSnapshotSource<C, R>, opts: { batch?: number; context: Record<string, unknown> }): Promise<ReadableStream<Uint8Array>> {
  const batch = opts.batch ?? STREAM_FETCH;
  let client: pg.PoolClient;
  try {
    client = await streamPool().connect();
  } catch (e) {
    if (/timeout exceeded when trying to connect/i.test(String((e as Error)?.message))) {
      throw new AppError("RATE_LIMITED", "Too many downloads are in progress; try again in a minute", { cause: e });
    }
    throw e;
  }
  // A connection that breaks between two fetches reports here, not through a query.
  let broken: Error | null = null;
  const onError = (e: Error) => {
    broken = e;
  };
  client.on("error", onError);
  let released = false;
  const release = (destroy: boolean) => {
    if (released) return;
    released = true;
    client.off("error", onError);
    client.release(destroy || broken !== null);
  };
  /** Ends the transaction and returns the connection; a connection that cannot even roll back is destroyed. */
  const end = async (how: "commit" | "rollback") => {
    if (released) return;
    try {
      if (broken) throw broken;
      await client.query(how);
      release(false);
    } catch {
      release(true);
    }
  };

  let ctx: C;
  try {
    await client.query("begin isolation level repeatable read, read only");
    // A reader that stops reading without closing would otherwise hold the snapshot for ever.
    await client.query("set local idle_in_transaction_session_timeout = '15min'");
    ctx = await src.open(client);
    await client.query(`declare snapshot_rows no scroll cursor for ${src.sql}`, src.params);
  } catch (e) {
    await end("rollback");
    throw e;
  }

  const enc = new TextEncoder();
  let done = false;
  let inFlight: Promise<void> | null = null;
  return new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(enc.encode(src.head(ctx)));
    },
    pull(c) {
      if (done) return;
      inFlight = (async () => {
        try {
          if (broken) throw broken;
          const { rows } = await client.query<R & pg.QueryResultRow>(`fetch ${batch} from snapshot_rows`);
          if (done) throw new Cancelled();
          const text = rows.length ? await src.encode(rows, ctx, client) : "";
          if (done) throw new Cancelled();
          if (text) c.enqueue(enc.encode(text));
          if (rows.length < batch) {
            const tail = src.tail(ctx);
            done = true;
            await end("commit");
            c.enqueue(enc.encode(tail));
            c.close();
          }
        } catch (e) {
          if (e instanceof Cancelled || done) return;
          done = true;
          log.error("download failed mid-stream", { ...opts.context, error: String((e as Error)?.stack ?? e) });
          c.error(e);
          await end("rollback");
        }
      })();
      return inFlight;
    },
    async cancel() {
      done = true;
      // Wait for a fetch in flight: the connection goes back only once nothing uses it.
      await inFlight;
      await end("rollback");
    },
  });
}
