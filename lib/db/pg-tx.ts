import type pg from "pg";
import { pool } from "./client";

/** Runs `fn` in one transaction on a pooled pg client: set-based SQL and its audit commit together. */
export async function pgTx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  try {
    await client.query("begin");
    const r = await fn(client);
    await client.query("commit");
    return r;
  } catch (e) {
    await client.query("rollback").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
