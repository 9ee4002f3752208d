import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createUser } from "../../test/fixtures";
import { pool } from "../db/client";
import type { TCurrentUser } from "../auth/current-user";
import { systemActor } from "./actor";
import { API_TOKEN_SCOPES } from "./api-tokens/api-token-secrets";
import { createApiToken } from "./api-tokens/create-api-token";
import { enrolKioskDevice } from "./kiosk/enrol-kiosk-device";
import { exchangeEnrolmentCode } from "./kiosk/exchange-enrolment-code";

// Hostile input at every door: every route under app/api/v1, found from the file tree (a new
// route is covered without touching this file), gets generated bad input (wrong types, missing and
// extra fields, huge strings and numbers, deep JSON, invalid UTF-8, NUL bytes, path traversal and
// SQL-looking ids, bodies over the limit), signed in with each role in turn, a kiosk device token
// and an API token. Every answer must be a 4xx application/problem+json (a 400 naming its fields),
// never a 5xx or a stack trace; a refused state change must leave the database as it was. (GETs
// may answer 200: a list ignores a query parameter it does not know.)

const session: { user: TCurrentUser | null } = { user: null };
vi.mock("../auth/current-user", () => ({ currentUser: async () => session.user }));

const API = path.resolve(import.meta.dirname, "../../app/api/v1");
function routeFiles(dir = API): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? routeFiles(p) : f === "route.ts" ? [p] : [];
  });
}
const ROUTES = routeFiles().map((file) => {
  const rel = path.relative(API, path.dirname(file)).split(path.sep).filter(Boolean);
  return { file, segments: rel, params: rel.filter((s) => s.startsWith("[")).map((s) => s.replace(/^\[(\.\.\.)?|\]$/g, "")) };
});
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

const NASTY = [
  "../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "1' OR '1'='1", "1; DROP TABLE users; --", "%00", "\u0000", "a\u0000b", "😀".repeat(50),
  "<script>alert(1)</script>", "-1", "0", "1e309", "NaN", "null", "undefined", "00000000-0000-0000-0000-000000000000", "x".repeat(5000), " ", "\uFFFF\uD800",
];
const nasty = fc.constantFrom(...NASTY);
const scalar = fc.oneof(nasty, fc.string({ maxLength: 40 }), fc.integer().map(String), fc.constant("9".repeat(400)), fc.double().map(String));
const KEYS = ["id", "name", "email", "role", "regions", "regionCode", "regionCodes", "period", "page", "pageSize", "q", "search", "status", "code", "nationalId", "version",
  "note", "reason", "outcome", "disabled", "amount", "kind", "ref", "from", "to", "limit", "offset", "format", "size", "first", "second", "frames", "transcript",
  "currentPassword", "newPassword", "consent", "locale", "scopes", "sort", "proposer", "monthlyPensionFen", "birthDate", "sex", "qrToken", "challengeId", "evidence"];
const badJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.jsonValue({ maxDepth: 2 }), nasty, fc.constant(1e308), fc.constant(-1), fc.constant(Number.MAX_SAFE_INTEGER * 1000)), { maxKeys: 8 }),
);
type TBody = { kind: "json"; value: unknown } | { kind: "raw"; bytes: Uint8Array; type: string };
const body: fc.Arbitrary<TBody> = fc.oneof(
  { weight: 6, arbitrary: badJson.map((value): TBody => ({ kind: "json", value })) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 20_000 }).map((d): TBody => ({ kind: "raw", bytes: Buffer.from("[".repeat(d) + "]".repeat(d)), type: "application/json" })) },
  { weight: 1, arbitrary: fc.constant<TBody>({ kind: "raw", bytes: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]), type: "application/json" }) },
  { weight: 1, arbitrary: fc.constant<TBody>({ kind: "raw", bytes: Buffer.from('{"name":"a\\u0000b","email":"\\u0000@x"}'), type: "application/json" }) },
  { weight: 1, arbitrary: fc.constant<TBody>({ kind: "raw", bytes: Buffer.from(JSON.stringify({ name: "x".repeat(3 * 1024 * 1024) })), type: "application/json" }) },
  { weight: 1, arbitrary: fc.constant<TBody>({ kind: "raw", bytes: Buffer.from("name=x&role=admin"), type: "application/x-www-form-urlencoded" }) },
  { weight: 1, arbitrary: fc.constant<TBody>({ kind: "raw", bytes: Buffer.from("{not json"), type: "application/json" }) },
);
/** A path segment as a client would send it; a lone surrogate goes out as invalid UTF-8 percent-escapes. */
const segment = (v: unknown) => {
  try {
    return encodeURIComponent(String(v));
  } catch {
    return "%ED%A0%80%FF";
  }
};
const who = fc.constantFrom("officer", "supervisor", "admin", "kiosk", "api", "nobody");

let users: Record<"officer" | "supervisor" | "admin", TCurrentUser>;
let kioskToken = "";
let apiToken = "";

/** Row counts of every table but the rate limiters' counters: what a refused request must not change. */
async function snapshot(): Promise<string> {
  const r = await pool().query<{ s: string }>(
    `select string_agg(table_name || '=' || (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from public.%I', table_name), false, true, '')))[1]::text, ',' order by table_name) as s
       from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('rate_limits')`,
  );
  return r.rows[0]!.s;
}

beforeAll(async () => {
  const made = await Promise.all([createUser("officer", ["5201"]), createUser("supervisor", ["52"]), createUser("admin", ["52"])]);
  const as = (u: (typeof made)[number], role: TCurrentUser["role"], regions: string[]): TCurrentUser => ({
    userId: u.id, sessionId: "00000000-0000-4000-8000-000000000000", username: u.username, displayName: u.username, role, regions, setup: null, hasSecondFactor: true,
  });
  users = { officer: as(made[0], "officer", ["5201"]), supervisor: as(made[1], "supervisor", ["52"]), admin: as(made[2], "admin", ["52"]) };
  const { code } = await enrolKioskDevice(made[2].actor, { regionCode: "5201", name: "fuzz", location: "x" });
  kioskToken = (await exchangeEnrolmentCode({ ...systemActor(), role: "anonymous" }, code)).token;
  apiToken = (await createApiToken(made[2].actor, { name: "fuzz", regionCodes: ["52"], scopes: [...API_TOKEN_SCOPES] })).token;
});

describe("every API route under hostile input", () => {
  it(`finds the routes from the file tree (${ROUTES.length} files)`, () => {
    expect(ROUTES.length).toBeGreaterThan(50);
    expect(ROUTES.map((r) => r.segments.join("/"))).toContain("users/[id]/password-reset");
  });

  for (const route of ROUTES) {
    const label = `/api/v1/${route.segments.join("/")}`;
    it(`${label} answers bad input with 4xx problem+json and changes nothing`, async () => {
      const mod = (await import(route.file)) as Partial<Record<(typeof METHODS)[number], (r: NextRequest, c: { params: Promise<Record<string, unknown>> }) => Promise<Response>>>;
      const methods = METHODS.filter((m) => typeof mod[m] === "function");
      expect(methods.length).toBeGreaterThan(0);
      const before = await snapshot();
      let changedOk = false;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...methods),
          fc.tuple(...route.params.map(() => fc.oneof(nasty, fc.uuid(), fc.string({ maxLength: 20 })))),
          fc.dictionary(fc.constantFrom(...KEYS), scalar, { maxKeys: 5 }),
          body,
          who,
          async (method, paramValues, query, b, role) => {
            session.user = role === "officer" || role === "supervisor" || role === "admin" ? users[role] : null;
            const params: Record<string, unknown> = {};
            route.params.forEach((p, i) => (params[p] = route.segments.some((s) => s === `[...${p}]`) ? [paramValues[i]] : paramValues[i]));
            const url = new URL(`http://localhost${label.replace(/\[(\.\.\.)?([^\]]+)\]/g, (_m, _d, p: string) => segment(params[p]))}`);
            for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
            const headers = new Headers({ "x-pension-client-ip": "10.99.0.1" });
            if (role === "kiosk") headers.set("x-kiosk-token", kioskToken);
            if (role === "api") headers.set("authorization", `Bearer ${apiToken}`);
            let payload: BodyInit | undefined;
            if (method !== "GET") {
              if (b.kind === "json") {
                headers.set("content-type", "application/json");
                payload = JSON.stringify(b.value);
              } else {
                headers.set("content-type", b.type);
                payload = b.bytes as unknown as BodyInit;
              }
            }
            const res = await mod[method]!(new NextRequest(url, { method, headers, body: payload }), { params: Promise.resolve(params) });
            const text = await res.text();
            const where = `${method} ${url.pathname}${url.search.slice(0, 200)} as ${role}: ${res.status} ${text.slice(0, 300)}`;
            expect(res.status, where).toBeLessThan(500);
            expect(text, where).not.toMatch(/\n\s+at [\w.<>]+ \(|node_modules\//);
            if (res.status >= 400) {
              expect(res.headers.get("content-type"), where).toContain("application/problem+json");
              const p = JSON.parse(text) as { status: number; code: string; errors?: { path: string }[] };
              expect(p.status, where).toBe(res.status);
              if (res.status === 400) expect(p.errors?.[0]?.path, where).toMatch(/^(params|query|body|request)\b/);
            } else {
              // An accepted request may change things (a GET may audit a read of personal data).
              changedOk = true;
            }
          },
        ),
        { numRuns: 30, endOnFailure: true },
      );
      if (!changedOk) expect(await snapshot(), `${label}: a refused request changed the database`).toBe(before);
    }, 120_000);
  }
});
