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
  const summary = e.summary === undefined ? "null" : canonicalSummary(e.summary);
  return (
    `{"action":${str(e.action)},"actorId":${str(e.actorId)},"actorRole":${str(e.actorRole)},"at":${str(e.at)},` +
    `"id":${str(e.id)},"ip":${str(e.ip)},"regionCode":${str(e.regionCode)},"requestId":${str(e.requestId)},` +
    `"summary":${summary},"targetId":${str(e.targetId)},"targetType":${str(e.targetType)}}`
  );
}

/** RFC 6962 leaf hash of an audit event: SHA-256(0x00 ‖ canonical JSON). */
export function eventLeafHash(e: TLeafEvent): THash {
  return hashLeaf(fastCanonicalEventJson(e));
}
