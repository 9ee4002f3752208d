import canonicalize from "canonicalize";
import { hashLeaf, type THash } from "./merkle";

// What one leaf of the audit log commits to: the audit event's fields, as RFC 8785 (JCS) canonical
// JSON. The id is a decimal string (a bigint does not survive IEEE-754 doubles); `at` is the ISO
// 8601 UTC instant with milliseconds (the column's precision); `summary` is the JSON the database
// holds, as JSON.parse reads it (RFC 8785 serialises numbers as ECMAScript does).

export type TLeafEvent = {
  id: string;
  at: string;
  actorId: string | null;
  actorRole: string;
  action: string;
  targetType: string;
  targetId: string | null;
  regionCode: string | null;
  summary: unknown;
  requestId: string | null;
  ip: string | null;
};

export const LEAF_FIELDS = ["id", "at", "actorId", "actorRole", "action", "targetType", "targetId", "regionCode", "summary", "requestId", "ip"] as const;

/** The canonical JSON of an event, with the reference RFC 8785 implementation. */
export function canonicalEventJson(e: TLeafEvent): string {
  const o: Record<string, unknown> = {};
  for (const k of LEAF_FIELDS) o[k] = e[k] ?? null;
  const s = canonicalize(o);
  if (s === undefined) throw new Error("event is not JSON");
  return s;
}

const str = (v: string | null) => (v === null ? "null" : JSON.stringify(v));

/**
 * RFC 8785 for the common summary: a flat object of strings, finite numbers, booleans and nulls.
 * Keys sorted by UTF-16 code units (Array.prototype.sort's default), values as JSON.stringify
 * writes them (ECMAScript number serialisation, which RFC 8785 §3.2.2.3 adopts). Anything else goes
 * through the library.
 */
function canonicalSummary(v: unknown): string {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return canonicalize(v) ?? "null";
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = o[k];
    const t = typeof x;
    if (!(x === null || t === "string" || t === "boolean" || (t === "number" && Number.isFinite(x)))) return canonicalize(v) ?? "null";
    out += (i ? "," : "") + JSON.stringify(k) + ":" + JSON.stringify(x);
  }
  return out + "}";
}

/**
 * The same bytes as canonicalEventJson, faster: the top-level keys are fixed, so they are written in
 * their RFC 8785 order (UTF-16 code units) by hand and only `summary` goes through the library.
 * A property test holds the two to the same output. JSON.stringify of a string is RFC 8785's string
 * form for well-formed strings, and PostgreSQL text is always well-formed UTF-8.
 */
export function fastCanonicalEventJson(e: TLeafEvent): string {
  return canonicalEventJsonWithSummary(e, e.summary === undefined ? "null" : canonicalSummary(e.summary));
}

/** fastCanonicalEventJson with the summary's canonical JSON already written (canonicalJsonbText). */
export function canonicalEventJsonWithSummary(e: Omit<TLeafEvent, "summary">, summary: string): string {
  return (
    `{"action":${str(e.action)},"actorId":${str(e.actorId)},"actorRole":${str(e.actorRole)},"at":${str(e.at)},` +
    `"id":${str(e.id)},"ip":${str(e.ip)},"regionCode":${str(e.regionCode)},"requestId":${str(e.requestId)},` +
    `"summary":${summary},"targetId":${str(e.targetId)},"targetType":${str(e.targetType)}}`
  );
}

const NUMERIC_OUT = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/**
 * canonicalSummary(JSON.parse(t)) without parsing, for the text PostgreSQL's jsonb_out writes of
 * a flat object: `{"k": v, "k2": v2}` (keys ordered by length, then bytes), values strings,
 * numbers as numeric_out writes them, true, false or null. Anything else (nesting, a backslash
 * anywhere, another spacing, a number that is not finite as a double) gives undefined and the
 * caller parses. String tokens without escapes are what JSON.stringify writes of their content,
 * so they are copied; numbers go through Number, as JSON.parse reads them.
 */
export function canonicalJsonbText(t: string): string | undefined {
  const n = t.length;
  if (t === "{}") return t;
  if (n < 2 || t.charCodeAt(0) !== 123 || t.charCodeAt(n - 1) !== 125 || t.indexOf("\\") !== -1) return undefined;
  const keys: string[] = [];
  const values: string[] = [];
  let i = 1;
  for (;;) {
    if (t.charCodeAt(i) !== 34) return undefined;
    const ke = t.indexOf('"', i + 1);
    if (ke === -1) return undefined;
    const key = t.slice(i + 1, ke);
    i = ke + 1;
    if (t.charCodeAt(i) !== 58 || t.charCodeAt(i + 1) !== 32) return undefined;
    i += 2;
    const c = t.charCodeAt(i);
    let v: string;
    if (c === 34) {
      const ve = t.indexOf('"', i + 1);
      if (ve === -1) return undefined;
      v = t.slice(i, ve + 1);
      i = ve + 1;
    } else if (c === 116 && t.startsWith("true", i)) {
      v = "true";
      i += 4;
    } else if (c === 102 && t.startsWith("false", i)) {
      v = "false";
      i += 5;
    } else if (c === 110 && t.startsWith("null", i)) {
      v = "null";
      i += 4;
    } else {
      let j = i;
      for (let d = t.charCodeAt(j); (d >= 48 && d <= 57) || d === 45 || d === 46; d = t.charCodeAt(++j));
      const token = t.slice(i, j);
      if (!NUMERIC_OUT.test(token)) return undefined;
      const x = Number(token);
      if (!Number.isFinite(x)) return undefined;
      v = JSON.stringify(x);
      i = j;
    }
    keys.push(key);
    values.push(v);
    if (i === n - 1) break;
    if (t.charCodeAt(i) !== 44 || t.charCodeAt(i + 1) !== 32) return undefined;
    i += 2;
  }
  const order = keys.map((_, k) => k).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  let out = "{";
  for (let k = 0; k < order.length; k++) {
    const o = order[k]!;
    if (k > 0 && keys[o] === keys[order[k - 1]!]) return undefined; // jsonb never repeats a key; be safe
    out += (k ? ',"' : '"') + keys[o] + '":' + values[o];
  }
  return out + "}";
}

/** RFC 6962 leaf hash of an audit event: SHA-256(0x00 ‖ canonical JSON). */
export function eventLeafHash(e: TLeafEvent): THash {
  return hashLeaf(fastCanonicalEventJson(e));
}
