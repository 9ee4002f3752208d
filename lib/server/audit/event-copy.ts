// Audit events and leaves read as PostgreSQL binary COPY (FORMAT binary, "Binary Format" in the
// COPY reference of the PostgreSQL manual) and hashed into leaves and subtrees straight from the
// bytes. Pure (no database, no server-only): the verifier's worker threads import it too.
import { hash } from "node:crypto";
import { canonicalEventJsonWithSummary, canonicalJsonbText, fastCanonicalEventJson, type TLeafEvent } from "../../audit-log/leaf";
import { HASH_SIZE } from "../../audit-log/merkle";

// RFC 6962 hashes come back from crypto.hash as latin1 strings (one byte a char), which cost the
// garbage collector far less than a Buffer each; a level's strings are joined and written into
// its buffer at once, which costs less than one write per 32-byte hash.
const ZERO_DIGEST = "\u0000".repeat(HASH_SIZE);
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE, 1);
/** hashChildren of the two 32-byte hashes at src[a] and src[a + 32], as a latin1 string. */
function childrenDigest(src: Buffer, a: number): string {
  src.copy(nodeInput, 1, a, a + 2 * HASH_SIZE);
  return hash("sha256", nodeInput, "binary");
}

/** The columns of audit_events a leaf commits to, in the order decodeEvent reads them. */
export const EVENT_COPY_COLUMNS = (a: string) =>
  `${a}.id, ${a}.at, ${a}.actor_id, ${a}.actor_role, ${a}.action, ${a}.target_type, ${a}.target_id, ${a}.region_code, ${a}.summary, ${a}.request_id, ${a}.ip`;
const EVENT_FIELDS = 11;

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];

/** Walks the tuples of one binary COPY output; after next() returns true, start/len describe the tuple's fields (len -1: NULL). */
export class CopyReader {
  readonly buf: Buffer;
  private pos: number;
  readonly start: Int32Array;
  readonly len: Int32Array;
  /** Where the current tuple starts (its field count), for finding it again. */
  tupleAt = 0;

  constructor(data: Uint8Array, readonly fields: number) {
    this.buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.start = new Int32Array(fields);
    this.len = new Int32Array(fields);
    if (this.buf.length === 0) {
      this.pos = 0;
      return;
    }
    for (let i = 0; i < SIGNATURE.length; i++) if (this.buf[i] !== SIGNATURE[i]) throw new Error("not a binary COPY stream");
    this.pos = 11 + 4 + 4 + this.buf.readUInt32BE(15);
  }

  next(): boolean {
    const b = this.buf;
    if (this.pos >= b.length) return false;
    const n = b.readInt16BE(this.pos);
    if (n === -1) return false;
    if (n !== this.fields) throw new Error(`binary COPY tuple has ${n} fields, expected ${this.fields}`);
    this.tupleAt = this.pos;
    this.read(this.pos);
    return true;
  }

  /** Decodes the field offsets of the tuple at `at` (an earlier tupleAt). */
  read(at: number): void {
    const b = this.buf;
    let p = at + 2;
    for (let i = 0; i < this.fields; i++) {
      const l = b.readInt32BE(p);
      p += 4;
      this.start[i] = p;
      this.len[i] = l;
      if (l > 0) p += l;
    }
    this.pos = p;
  }

  /** int8 field as a number when it is a safe integer, else as a bigint. */
  int8(i: number): number | bigint {
    const s = this.start[i]!;
    const hi = this.buf.readInt32BE(s);
    if (hi >= -0x200000 && hi < 0x200000) return hi * 0x100000000 + this.buf.readUInt32BE(s + 4);
    return this.buf.readBigInt64BE(s);
  }

  text(i: number): string | null {
    const l = this.len[i]!;
    return l < 0 ? null : this.buf.toString("utf8", this.start[i]!, this.start[i]! + l);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function uuidText(b: Buffer, s: number): string {
  let out = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += "-";
    out += HEX[b[s + i]!];
  }
  return out;
}

// A timestamptz is microseconds since 2000-01-01 00:00 UTC; int8 extremes are ±infinity.
const PG_EPOCH_MS = 946_684_800_000;
const pad = (n: number, w: number) => String(n).padStart(w, "0");

/**
 * `at` exactly as to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') writes it: for
 * years 1–9999 that is Date.toISOString(); to_char writes a BC year as its positive number and a
 * year past 9999 without a sign, and gives NULL for ±infinity.
 */
// Events written in one transaction share their `at` (its start): the last one written is kept.
let lastHi = 0;
let lastLo = 0;
let lastAt: string | null = null;
export function formatEventAt(b: Buffer, s: number): string | null {
  const hi = b.readInt32BE(s);
  const lo = b.readUInt32BE(s + 4);
  if (lastAt !== null && hi === lastHi && lo === lastLo) return lastAt;
  const at = formatAt(b, s, hi, lo);
  if (at !== null) [lastHi, lastLo, lastAt] = [hi, lo, at];
  return at;
}
function formatAt(b: Buffer, s: number, hi: number, lo: number): string | null {
  if ((hi === 0x7fffffff && lo === 0xffffffff) || (hi === -0x80000000 && lo === 0)) return null;
  let ms: number;
  if (hi >= -0x200000 && hi < 0x200000) ms = Math.floor((hi * 0x100000000 + lo) / 1000);
  else {
    const us = b.readBigInt64BE(s);
    ms = Number(us / 1000n - (us % 1000n < 0n ? 1n : 0n));
  }
  const d = new Date(PG_EPOCH_MS + ms);
  const y = d.getUTCFullYear();
  if (Number.isNaN(y)) throw new Error("audit event time is outside the range this verifier can write");
  if (y >= 1 && y <= 9999) return d.toISOString();
  return (
    `${pad(y <= 0 ? 1 - y : y, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}Z`
  );
}

/** The event of the reader's current tuple (EVENT_COPY_COLUMNS), as the leaf commits to it; summary is jsonb_out's text. */
function decodeEventFields(r: CopyReader): Omit<TLeafEvent, "summary"> & { summaryText: string | null } {
  const b = r.buf;
  const id = r.int8(0);
  const sl = r.len[8]!;
  const ss = r.start[8]!;
  // jsonb's binary form is a version byte (1) and the text jsonb_out writes.
  if (sl > 0 && b[ss] !== 1) throw new Error(`unknown jsonb binary version ${b[ss]}`);
  return {
    id: String(id),
    at: r.len[1]! < 0 ? (null as unknown as string) : (formatEventAt(b, r.start[1]!) as string),
    actorId: r.len[2]! < 0 ? null : uuidText(b, r.start[2]!),
    actorRole: r.text(3) as string,
    action: r.text(4) as string,
    targetType: r.text(5) as string,
    targetId: r.text(6),
    regionCode: r.text(7),
    summaryText: sl < 0 ? null : b.toString("utf8", ss + 1, ss + sl),
    requestId: r.text(9),
    ip: r.text(10),
  };
}

/**
 * The canonical JSON of the reader's current tuple, as fastCanonicalEventJson writes it; a flat
 * summary is written straight from jsonb's text (canonicalJsonbText), anything else is parsed.
 */
export function rowCanonicalJson(r: CopyReader): string {
  const { summaryText, ...e } = decodeEventFields(r);
  if (summaryText === null) return canonicalEventJsonWithSummary(e, "null");
  const flat = canonicalJsonbText(summaryText);
  return flat !== undefined ? canonicalEventJsonWithSummary(e, flat) : fastCanonicalEventJson({ ...e, summary: JSON.parse(summaryText) });
}

// ---- The common event's leaf, written as bytes --------------------------------------------------
// rowCanonicalJson builds a JS string from the row's bytes and hashing encodes it back to UTF-8.
// For the common event (text without characters JSON escapes, a flat summary with ASCII keys) the
// same canonical JSON is written straight from the COPY bytes into one reused buffer and hashed
// from there; anything else gives -1 and takes the string path. A property test holds the two to
// the same bytes. The writers take the buffer and position as arguments and return the new
// position (-1: not this path): locals, not module variables, in the loops that run per byte, and
// one size check per event (leafJsonBound) instead of one per piece.
let jbuf = Buffer.allocUnsafe(1 << 16);
const LIT = (s: string) => Buffer.from(s, "latin1");
const K_ACTION = LIT('\u0000{"action":');
const K = ["actorId", "actorRole", "at", "id", "ip", "regionCode", "requestId", "summary", "targetId", "targetType"].map((k) => LIT(`,"${k}":`));
const NULL = LIT("null");
const HEXB = Buffer.from(HEX.join(""), "latin1");
// Byte loops, not Buffer.copy: the pieces are a few bytes each, shorter than a native call's cost.
function putLit(o: Buffer, p: number, lit: Buffer): number {
  for (let i = 0; i < lit.length; i++) o[p++] = lit[i]!;
  return p;
}
function putAscii(o: Buffer, p: number, t: string): number {
  for (let i = 0; i < t.length; i++) o[p++] = t.charCodeAt(i);
  return p;
}
/** A text field as a JSON string, or -1 if it holds a character JSON.stringify escapes. */
function putText(o: Buffer, p: number, b: Buffer, s: number, l: number): number {
  if (l < 0) return putLit(o, p, NULL);
  o[p++] = 0x22;
  for (let i = s, e = s + l; i < e; i++) {
    const c = b[i]!;
    if (c < 0x20 || c === 0x22 || c === 0x5c) return -1;
    o[p++] = c;
  }
  o[p++] = 0x22;
  return p;
}
/** The key `lit`, then the tuple's text field f as a JSON string (-1: it needs escapes). */
function keyText(o: Buffer, p: number, lit: Buffer, r: CopyReader, f: number): number {
  return putText(o, putLit(o, p, lit), r.buf, r.start[f]!, r.len[f]!);
}
/** The event id as a JSON string of its digits. */
function putId(o: Buffer, p: number, v: number | bigint): number {
  o[p++] = 0x22;
  if (typeof v === "bigint" || v <= 0) p = putAscii(o, p, String(v));
  else {
    let n = 0;
    for (let x = v; x > 0; x = Math.floor(x / 10)) n++;
    let q = p + n;
    for (let x = v; x > 0; x = Math.floor(x / 10)) o[--q] = 0x30 + (x % 10);
    p += n;
  }
  o[p++] = 0x22;
  return p;
}
// Events of one transaction share their `at`: the bytes of the last one written are kept.
const atBuf = Buffer.alloc(64);
let atLen = -1;
let atHi = 0;
let atLo = 0;
function putAt(o: Buffer, p: number, b: Buffer, s: number, l: number): number {
  if (l < 0) return putLit(o, p, NULL);
  const hi = b.readInt32BE(s);
  const lo = b.readUInt32BE(s + 4);
  if (atLen < 0 || hi !== atHi || lo !== atLo) {
    const t = formatEventAt(b, s);
    if (t === null) return putLit(o, p, NULL);
    atLen = atBuf.write(t, 0, "latin1");
    atHi = hi;
    atLo = lo;
  }
  o[p++] = 0x22;
  for (let i = 0; i < atLen; i++) o[p++] = atBuf[i]!;
  o[p++] = 0x22;
  return p;
}
const keyStart: number[] = [];
const keyEnd: number[] = [];
const valStart: number[] = [];
const valEnd: number[] = [];
const valText: (string | null)[] = [];
const order: number[] = [];
function keyLess(b: Buffer, x: number, y: number): number {
  const xs = keyStart[x]!;
  const xe = keyEnd[x]!;
  const ys = keyStart[y]!;
  const ye = keyEnd[y]!;
  for (let i = 0; ; i++) {
    if (xs + i === xe) return ys + i === ye ? 0 : -1;
    if (ys + i === ye) return 1;
    const d = b[xs + i]! - b[ys + i]!;
    if (d !== 0) return d;
  }
}
/**
 * canonicalJsonbText on the bytes of jsonb_out's text at b[s, e), written at p; -1 for anything
 * it leaves to the parser, and for keys with non-ASCII characters (their UTF-16 order is not their
 * byte order).
 */
function putFlatSummary(o: Buffer, p: number, b: Buffer, s: number, e: number): number {
  if (e - s === 2 && b[s] === 0x7b && b[s + 1] === 0x7d) {
    o[p++] = 0x7b;
    o[p++] = 0x7d;
    return p;
  }
  if (e - s < 2 || b[s] !== 0x7b || b[e - 1] !== 0x7d) return -1;
  for (let i = s; i < e; i++) if (b[i] === 0x5c) return -1;
  let n = 0;
  let i = s + 1;
  for (;;) {
    if (b[i] !== 0x22) return -1;
    const ks = i + 1;
    let j = ks;
    while (j < e && b[j] !== 0x22) {
      if (b[j]! >= 0x80) return -1;
      j++;
    }
    if (j >= e) return -1;
    keyStart[n] = ks;
    keyEnd[n] = j;
    i = j + 1;
    if (b[i] !== 0x3a || b[i + 1] !== 0x20) return -1;
    i += 2;
    const c = b[i];
    valText[n] = null;
    valStart[n] = i;
    if (c === 0x22) {
      j = i + 1;
      while (j < e && b[j] !== 0x22) j++;
      if (j >= e) return -1;
      i = j + 1;
    } else if (c === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) i += 4;
    else if (c === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) i += 5;
    else if (c === 0x6e && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c) i += 4;
    else {
      // numeric_out: -?(0|[1-9][0-9]*)(\.[0-9]+)? ; short integers are already ECMAScript's form.
      j = i;
      if (b[j] === 0x2d) j++;
      const ds = j;
      while (b[j]! >= 0x30 && b[j]! <= 0x39) j++;
      if (j === ds || (b[ds] === 0x30 && j - ds > 1)) return -1;
      let simple = j - ds <= 15 && !(b[i] === 0x2d && b[ds] === 0x30);
      if (b[j] === 0x2e) {
        const fs = ++j;
        while (b[j]! >= 0x30 && b[j]! <= 0x39) j++;
        if (j === fs) return -1;
        // A decimal of at most 15 digits is the shortest that reads back as its double, so it is
        // ECMAScript's form too unless it ends in 0 or is under 1e-6 (written with an exponent).
        let zeros = 0;
        if (b[ds] === 0x30) while (zeros < j - fs && b[fs + zeros] === 0x30) zeros++;
        simple = simple && (j - fs) + (fs - 1 - ds) <= 15 && b[j - 1] !== 0x30 && zeros <= 5;
      }
      if (!simple) {
        const x = Number(b.toString("latin1", i, j));
        if (!Number.isFinite(x)) return -1;
        valText[n] = JSON.stringify(x);
      }
      i = j;
    }
    valEnd[n] = i;
    n++;
    if (i === e - 1) break;
    if (b[i] !== 0x2c || b[i + 1] !== 0x20) return -1;
    i += 2;
  }
  order.length = n;
  for (let k = 0; k < n; k++) order[k] = k;
  // Insertion sort: a summary has a handful of keys.
  for (let k = 1; k < n; k++) {
    const x = order[k]!;
    let m = k - 1;
    while (m >= 0 && keyLess(b, order[m]!, x) > 0) {
      order[m + 1] = order[m]!;
      m--;
    }
    order[m + 1] = x;
  }
  o[p++] = 0x7b;
  for (let k = 0; k < n; k++) {
    const x = order[k]!;
    if (k > 0 && keyLess(b, order[k - 1]!, x) === 0) return -1; // jsonb never repeats a key; be safe
    if (k) o[p++] = 0x2c;
    o[p++] = 0x22;
    for (let q = keyStart[x]!, qe = keyEnd[x]!; q < qe; q++) o[p++] = b[q]!;
    o[p++] = 0x22;
    o[p++] = 0x3a;
    const t = valText[x];
    if (t !== null && t !== undefined) p = putAscii(o, p, t);
    else for (let q = valStart[x]!, qe = valEnd[x]!; q < qe; q++) o[p++] = b[q]!;
  }
  o[p++] = 0x7d;
  return p;
}

/**
 * The most bytes the leaf JSON of the reader's tuple can take: each text byte once plus quotes,
 * the actor's 16 uuid bytes as 36 characters, a summary number rewritten in ECMAScript's form at
 * most 24 characters (each value of a summary takes at least 6 bytes of jsonb_out's text), and the keys.
 */
function leafJsonBound(r: CopyReader): number {
  let n = 512;
  for (let f = 0; f < EVENT_FIELDS; f++) if (r.len[f]! > 0) n += 5 * r.len[f]!;
  return n;
}

/**
 * The leaf input (0x00 ‖ canonical JSON) of the reader's current tuple written from its bytes into
 * jbuf, as rowCanonicalJson would write it: its length, or -1 when the event needs the string path.
 */
function rowLeafBytes(r: CopyReader): number {
  const b = r.buf;
  const { start, len } = r;
  const bound = leafJsonBound(r);
  if (jbuf.length < bound) jbuf = Buffer.allocUnsafe(2 * bound);
  const o = jbuf;
  // Fields by EVENT_COPY_COLUMNS index, written in RFC 8785 key order.
  let p = keyText(o, 0, K_ACTION, r, 4);
  if (p < 0) return -1;
  p = putLit(o, p, K[0]!);
  if (len[2]! < 0) p = putLit(o, p, NULL);
  else {
    o[p++] = 0x22;
    const s = start[2]!;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) o[p++] = 0x2d;
      const h = 2 * b[s + i]!;
      o[p++] = HEXB[h]!;
      o[p++] = HEXB[h + 1]!;
    }
    o[p++] = 0x22;
  }
  if ((p = keyText(o, p, K[1]!, r, 3)) < 0) return -1;
  p = putAt(o, putLit(o, p, K[2]!), b, start[1]!, len[1]!);
  p = putId(o, putLit(o, p, K[3]!), r.int8(0));
  if ((p = keyText(o, p, K[4]!, r, 10)) < 0 || (p = keyText(o, p, K[5]!, r, 7)) < 0 || (p = keyText(o, p, K[6]!, r, 9)) < 0) return -1;
  p = putLit(o, p, K[7]!);
  const sl = len[8]!;
  if (sl < 0) p = putLit(o, p, NULL);
  else {
    const ss = start[8]!;
    if (b[ss] !== 1) throw new Error(`unknown jsonb binary version ${b[ss]}`);
    if ((p = putFlatSummary(o, p, b, ss + 1, ss + sl)) < 0) return -1;
  }
  if ((p = keyText(o, p, K[8]!, r, 6)) < 0 || (p = keyText(o, p, K[9]!, r, 5)) < 0) return -1;
  o[p++] = 0x7d;
  return p;
}

/** The leaf hash of the reader's current tuple from its bytes as a latin1 string (null: the string path's event). */
function rowLeafDigest(r: CopyReader): string | null {
  const n = rowLeafBytes(r);
  return n < 0 ? null : hash("sha256", jbuf.subarray(0, n), "binary");
}

/**
 * The leaf hash of the reader's current tuple written from its bytes into out at off, as
 * leafHashInto(rowCanonicalJson(r)) would; false (nothing written) when the event needs the string path.
 */
export function rowLeafHashInto(r: CopyReader, out: Buffer, off: number): boolean {
  const d = rowLeafDigest(r);
  if (d !== null) out.write(d, off, HASH_SIZE, "latin1");
  return d !== null;
}

/** The leaf hash of the reader's current tuple (latin1): from the bytes when it can, else through the string. */
function eventLeafDigest(r: CopyReader): string {
  return rowLeafDigest(r) ?? hash("sha256", "\u0000" + rowCanonicalJson(r), "binary");
}

/** Leaf hashes (32 bytes each, in row order) and event ids of a binary COPY of EVENT_COPY_COLUMNS. */
export function hashEventRows(events: Uint8Array): { ids: string[]; hashes: Buffer } {
  const r = new CopyReader(events, EVENT_FIELDS);
  const ids: string[] = [];
  const digests: string[] = [];
  while (r.next()) {
    ids.push(String(r.int8(0)));
    digests.push(eventLeafDigest(r));
  }
  // One write of the joined digests: a write per 32-byte hash cost more than the hash's own call.
  const hashes = Buffer.from(new ArrayBuffer(digests.length * HASH_SIZE));
  hashes.write(digests.join(""), 0, "latin1");
  return { ids, hashes };
}

export type TChunkTask = {
  /** The chunk's first leaf index: a multiple of 2^levels. */
  lo: number;
  /** Binary COPY of (seq, event_id) of the chunk's leaves, in seq order. */
  leaves: Uint8Array;
  /** Binary COPY of EVENT_COPY_COLUMNS of (at least) the events those leaves name. */
  events: Uint8Array;
};

export type TChunkResult = {
  lo: number;
  /** Leaves walked: up to the first missing leaf index, if any. */
  count: number;
  /** The seq found where leaf lo + count was expected (the walk stopped there), or null. */
  gapSeq: number | null;
  /** The event id of each walked leaf, as int8 big-endian bytes (eventIdAt reads one). */
  eventIds: Uint8Array;
  /** Leaf indexes whose event row is gone (their leaf hash is taken as 32 zero bytes). */
  deleted: number[];
  /** levels[j]: the complete perfect subtrees of 2^j leaves in [lo, lo + count), 32 bytes each; levels[0] are the leaf hashes. */
  levels: Uint8Array[];
};

/**
 * Recomputes a chunk of the log from its rows: each leaf from its event, then every perfect
 * subtree inside the chunk. Trusts nothing stored (stored hashes are not even read here).
 */
export function hashChunk(task: TChunkTask): TChunkResult {
  const leaves = new CopyReader(task.leaves, 2);
  const idBytes: number[] = [];
  const ids: number[] = [];
  let gapSeq: number | null = null;
  let count = 0;
  let safe = true;
  while (leaves.next()) {
    const seq = Number(leaves.int8(0));
    if (seq !== task.lo + count) {
      gapSeq = seq;
      break;
    }
    idBytes.push(leaves.start[1]!);
    const id = leaves.int8(1);
    if (typeof id !== "number") safe = false;
    ids.push(Number(id));
    count++;
  }
  const eventIds = new Uint8Array(new ArrayBuffer(8 * count));
  const lb = leaves.buf;
  for (let k = 0; k < count; k++) for (let q = 0, s = idBytes[k]!; q < 8; q++) eventIds[8 * k + q] = lb[s + q]!;
  // Where each event's tuple starts, by its id: in a typed array over the id range when the ids are
  // dense (the chunk's events are read by an id range), else in maps.
  const events = new CopyReader(task.events, EVENT_FIELDS);
  let minId = Infinity;
  let maxId = -Infinity;
  for (let k = 0; safe && k < count; k++) {
    if (ids[k]! < minId) minId = ids[k]!;
    if (ids[k]! > maxId) maxId = ids[k]!;
  }
  const dense = safe && count > 0 && maxId - minId < 4 * count + 1024;
  const slot = dense ? new Int32Array(maxId - minId + 1).fill(-1) : null;
  const byNumber = new Map<number, number>();
  const byBig = new Map<bigint, number>();
  while (events.next()) {
    const id = events.int8(0);
    if (slot && typeof id === "number") {
      if (id >= minId && id <= maxId) slot[id - minId] = events.tupleAt;
    } else if (typeof id === "number") byNumber.set(id, events.tupleAt);
    else byBig.set(id, events.tupleAt);
  }
  const whereOf = (k: number) => {
    if (slot) {
      const at = slot[ids[k]! - minId]!;
      return at < 0 ? undefined : at;
    }
    return safe ? byNumber.get(ids[k]!) : byBig.get(leaves.buf.readBigInt64BE(idBytes[k]!)) ?? byNumber.get(Number(leaves.buf.readBigInt64BE(idBytes[k]!)));
  };

  // One buffer for every level: count + count/2 + … hashes, transferred back whole.
  const sizes: number[] = [];
  for (let n = count; ; n = Math.floor(n / 2)) {
    sizes.push(n);
    if (n <= 1) break;
  }
  const total = sizes.reduce((s, n) => s + n, 0);
  const all = Buffer.from(new ArrayBuffer(Math.max(1, total) * HASH_SIZE));
  const starts: number[] = [];
  let off = 0;
  for (const n of sizes) {
    starts.push(off * HASH_SIZE);
    off += n;
  }
  const deleted: number[] = [];
  const digests: string[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const at = whereOf(k);
    if (at === undefined) {
      deleted.push(task.lo + k);
      digests[k] = ZERO_DIGEST;
      continue;
    }
    events.read(at);
    digests[k] = eventLeafDigest(events);
  }
  all.write(digests.join(""), 0, "latin1");
  for (let j = 1; j < sizes.length; j++) {
    const level: string[] = new Array(sizes[j]!);
    for (let i = 0; i < sizes[j]!; i++) level[i] = childrenDigest(all, starts[j - 1]! + 2 * i * HASH_SIZE);
    all.write(level.join(""), starts[j]!, "latin1");
  }
  const levels = sizes.map((n, j) => new Uint8Array(all.buffer, starts[j]!, n * HASH_SIZE));
  return { lo: task.lo, count, gapSeq, eventIds, deleted, levels };
}

export const eventIdAt = (ids: Uint8Array, k: number) => String(Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength).readBigInt64BE(8 * k));

/** Min and max event id of a leaves COPY, and how many leaves. */
export function leafIdSpan(leavesCopy: Uint8Array): { count: number; min: bigint; max: bigint; ids: bigint[] } {
  const r = new CopyReader(leavesCopy, 2);
  const ids: bigint[] = [];
  let min = 0n;
  let max = 0n;
  while (r.next()) {
    const id = r.buf.readBigInt64BE(r.start[1]!);
    if (ids.length === 0 || id < min) min = id;
    if (ids.length === 0 || id > max) max = id;
    ids.push(id);
  }
  return { count: ids.length, min, max, ids };
}

/** Splits a binary COPY output into at most `parts` valid binary COPY outputs of consecutive tuples (each in an ArrayBuffer of its own). */
export function splitCopy(data: Uint8Array, fields: number, parts: number): Uint8Array[] {
  const r = new CopyReader(data, fields);
  const starts: number[] = [];
  while (r.next()) starts.push(r.tupleAt);
  if (starts.length === 0 || parts <= 1) return [data];
  const header = 19 + r.buf.readUInt32BE(15);
  const endOfTuples = r.buf.length - 2;
  const per = Math.ceil(starts.length / parts);
  const out: Uint8Array[] = [];
  for (let i = 0; i < starts.length; i += per) {
    const a = starts[i]!;
    const b = i + per < starts.length ? starts[i + per]! : endOfTuples;
    const u = new Uint8Array(new ArrayBuffer(header + (b - a) + 2));
    u.set(r.buf.subarray(0, header), 0);
    u.set(r.buf.subarray(a, b), header);
    u[u.length - 2] = 0xff;
    u[u.length - 1] = 0xff;
    out.push(u);
  }
  return out;
}
