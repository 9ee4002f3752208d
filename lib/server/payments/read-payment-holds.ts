import "server-only";
import { z } from "zod";
import { pgTx } from "../../db/pg-tx";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAuditBulk } from "../audit/record-audit-bulk";
import { decryptPii } from "../pensioners/pii-crypto";
import { scopePatterns } from "../regions/scope";
import { holdTotals, IN_FORCE, type THoldTotals } from "./holds-sql";
import { assertPeriodBegun, ZHoldsPeriod } from "./payment-period";

export const HOLDS_PAGE_MAX = 1000;

export const ZPaymentHoldsQuery = z.object({
  period: ZHoldsPeriod,
  /** Opaque: the nextCursor of the previous page. */
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").max(HOLDS_PAGE_MAX, `must be at most ${HOLDS_PAGE_MAX}`).default(500),
});
export type TPaymentHoldsQuery = z.output<typeof ZPaymentHoldsQuery>;

export type TApiHold = {
  holdId: string;
  pensionerId: string;
  /** In full: the payment system matches its payees on it. */
  nationalId: string;
  name: string;
  regionCode: string;
  kind: "suspended" | "terminated";
  cause: "deceased" | "unverified" | "sentenced";
  monthlyFen: string;
  startPeriod: string;
  /** What is not paid in the requested period (the monthly amount: the hold is in force). */
  heldFen: string;
};
export type TApiArrear = { holdId: string; pensionerId: string; nationalId: string; regionCode: string; period: string; amountFen: string };
export type TPaymentHoldsPage = {
  period: string;
  regionCodes: string[];
  totals: THoldTotals;
  holds: TApiHold[];
  arrearsDue: TApiArrear[];
  limit: number;
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
};

// The pages walk one stream: the holds in force (by region, then hold id), then the arrears due
// (by region, hold id, period). A cursor names the section and the last key returned.
type TCursor = { s: "h"; r: string; k: string } | { s: "a"; r?: string; k?: string; p?: string };

const encodeCursor = (c: TCursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
function decodeCursor(raw: string | undefined): TCursor | null {
  if (!raw) return null;
  const bad = () => AppError.validation([{ path: "query.cursor", message: "is not a cursor this API returned; start again without one" }]);
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  const ZC = z.union([
    z.object({ s: z.literal("h"), r: z.string().max(12), k: z.uuid() }),
    z.object({ s: z.literal("a"), r: z.string().max(12), k: z.uuid(), p: z.string().length(7) }),
    z.object({ s: z.literal("a") }).strict(),
  ]);
  const r = ZC.safeParse(c);
  if (!r.success) throw bad();
  return r.data;
}

type TPiiRow = { id_cipher: Buffer; id_key_version: number };

/**
 * The payment system's read of a period: the holds in force and the arrears due in the token's
 * regions, with full ID numbers, a keyset page at a time, and totals over the whole period. The
 * page, the totals and the audit event (payment_holds.read) come from one repeatable-read
 * transaction, so what was read is exactly what is recorded.
 */
export async function readPaymentHolds(actor: TActor, q: TPaymentHoldsQuery, now = new Date()): Promise<TPaymentHoldsPage> {
  assertPeriodBegun(q.period, now);
  const cursor = decodeCursor(q.cursor);
  const patterns = scopePatterns(actor.regions);
  return pgTx(async (client) => {
    await client.query("set transaction isolation level repeatable read, read write");
    const totals = await holdTotals(client, patterns, q.period);

    // The next page starts after the last row returned; a section left with no room continues
    // the stream at the start of the arrears.
    let next: TCursor | null = null;
    const holds: TApiHold[] = [];
    if (!cursor || cursor.s === "h") {
      const { rows } = await client.query<TPiiRow & Omit<TApiHold, "nationalId">>(
        `select h.id::text as "holdId", h.pensioner_id::text as "pensionerId", p.name, h.region_code as "regionCode", h.kind, h.cause,
                h.monthly_fen::text as "monthlyFen", h.start_period as "startPeriod", h.monthly_fen::text as "heldFen",
                p.id_cipher, p.id_key_version
           from payment_holds h join pensioners p on p.id = h.pensioner_id
          where h.region_code like any($1) and ${IN_FORCE("h", "$2")}
            and ($3::text is null or (h.region_code, h.id) > ($3::text, $4::uuid))
          order by h.region_code, h.id
          limit $5`,
        [patterns, q.period, cursor?.s === "h" ? cursor.r : null, cursor?.s === "h" ? cursor.k : null, q.limit + 1],
      );
      for (const { id_cipher, id_key_version, ...h } of rows.slice(0, q.limit)) holds.push({ ...h, nationalId: decryptPii(id_cipher, id_key_version) });
      if (rows.length > q.limit) next = { s: "h", r: holds.at(-1)!.regionCode, k: holds.at(-1)!.holdId };
    }

    const arrearsDue: TApiArrear[] = [];
    if (!next) {
      const room = q.limit - holds.length;
      const after = cursor?.s === "a" && cursor.k ? cursor : null;
      const { rows } = await client.query<TPiiRow & Omit<TApiArrear, "nationalId">>(
        `select a.hold_id::text as "holdId", a.pensioner_id::text as "pensionerId", a.region_code as "regionCode", a.period,
                a.amount_fen::text as "amountFen", p.id_cipher, p.id_key_version
           from payment_arrears a join pensioners p on p.id = a.pensioner_id
          where a.due_period = $2 and a.region_code like any($1)
            and ($3::text is null or (a.region_code, a.hold_id, a.period) > ($3::text, $4::uuid, $5::bpchar))
          order by a.region_code, a.hold_id, a.period
          limit $6`,
        [patterns, q.period, after?.r ?? null, after?.k ?? null, after?.p ?? null, room + 1],
      );
      for (const { id_cipher, id_key_version, ...a } of rows.slice(0, room)) arrearsDue.push({ ...a, nationalId: decryptPii(id_cipher, id_key_version) });
      if (rows.length > room) {
        const last = arrearsDue.at(-1);
        next = last ? { s: "a", r: last.regionCode, k: last.holdId, p: last.period } : (after ?? { s: "a" });
      }
    }
    const nextCursor = next ? encodeCursor(next) : null;

    await recordAuditBulk(client, actor, "payment_holds.read", "payment_holds", [
      {
        targetId: q.period,
        regionCode: actor.regions.length === 1 ? actor.regions[0]! : null,
        summary: { period: q.period, count: holds.length + arrearsDue.length, holds: holds.length, arrears: arrearsDue.length, tokenId: actor.userId, regionCodes: actor.regions, page: cursor ? "next" : "first" },
      },
    ]);
    return { period: q.period, regionCodes: actor.regions, totals, holds, arrearsDue, limit: q.limit, nextCursor };
  });
}
