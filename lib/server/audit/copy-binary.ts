import "server-only";
import type pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";

type TClient = pg.PoolClient | pg.Client;

/**
 * The whole output of `COPY (<select>) TO STDOUT (FORMAT binary)` in one ArrayBuffer of its own
 * (so it can be handed to a thread). COPY takes no bind parameters: callers inline numbers only.
 */
export async function copyOutBinary(client: TClient, select: string): Promise<Uint8Array> {
  const stream = client.query(copyTo(`copy (${select}) to stdout (format binary)`));
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    parts.push(c);
    size += c.length;
  }
  const out = new Uint8Array(new ArrayBuffer(size));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** `COPY <table> (<columns>) FROM STDIN (FORMAT binary)` of an already encoded stream. */
export async function copyInBinary(client: TClient, tableAndColumns: string, data: Buffer): Promise<void> {
  await pipeline(Readable.from([data]), client.query(copyFrom(`copy ${tableAndColumns} from stdin (format binary)`)));
}

/** Encodes rows of int8 and bytea fields for copyInBinary. */
export function encodeBinaryRows(rows: number, fields: (row: number, field: number) => bigint | string | Uint8Array, kinds: ("int8" | "int2" | "bytea")[]): Buffer {
  let size = 19 + 2;
  for (let r = 0; r < rows; r++) {
    size += 2;
    for (let f = 0; f < kinds.length; f++) {
      const k = kinds[f]!;
      size += 4 + (k === "int8" ? 8 : k === "int2" ? 2 : (fields(r, f) as Uint8Array).length);
    }
  }
  const b = Buffer.allocUnsafe(size);
  b.set([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00], 0);
  b.writeUInt32BE(0, 11);
  b.writeUInt32BE(0, 15);
  let p = 19;
  for (let r = 0; r < rows; r++) {
    b.writeInt16BE(kinds.length, p);
    p += 2;
    for (let f = 0; f < kinds.length; f++) {
      const k = kinds[f]!;
      const v = fields(r, f);
      if (k === "int8") {
        b.writeInt32BE(8, p);
        b.writeBigInt64BE(BigInt(v as bigint | string), p + 4);
        p += 12;
      } else if (k === "int2") {
        b.writeInt32BE(2, p);
        b.writeInt16BE(Number(v), p + 4);
        p += 6;
      } else {
        const u = v as Uint8Array;
        b.writeInt32BE(u.length, p);
        b.set(u, p + 4);
        p += 4 + u.length;
      }
    }
  }
  b.writeInt16BE(-1, p);
  return b;
}
