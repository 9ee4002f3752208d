import "server-only";
import { z } from "zod";
import { pool } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { vmsg } from "../../i18n/validation";
import { checkReference, idPrefixRange, parseCheckReference } from "../../domain/check-reference";
import { narrowScope, scopePatterns } from "../regions/scope";

export const CHECK_STATUSES = ["scheduled", "in_progress", "passed", "failed", "review", "expired"] as const;

export const ZChecksQuery = z.object({
  region: z.string().regex(/^\d{2,6}$/, { message: vmsg("regionCode") }).optional(),
  /** "open" (the default): scheduled or in progress, i.e. due; "all": every status. */
  status: z.enum([...CHECK_STATUSES, "open", "all"]).default("open"),
  /**
   * The staff reference printed on the check's notice (K-YYYY-MM-XXXXXXXX, typed any way:
   * lib/domain/check-reference.ts), or the check's id. It finds the check whatever its status.
   */
  ref: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().max(64).refine((v) => parseCheckReference(v) !== null, { message: vmsg("checkReference") }).optional(),
  ),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TChecksQuery = z.output<typeof ZChecksQuery>;

export type TCheckView = {
  id: string;
  pensionerId: string;
  name: string;
  regionCode: string;
  period: string;
  reason: "suspected" | "cohort" | "officer";
  status: (typeof CHECK_STATUSES)[number];
  dueOn: string;
  failures: number;
  overdue: boolean;
  updatedAt: string;
  /** The staff reference its notice prints. */
  reference: string;
};

/** Today's date (YYYY-MM-DD) in China Standard Time, the bureau's calendar. */
export function todayCst(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Kiosk checks in the caller's regions (narrowed by a region filter, or found by a notice's reference), soonest due first, with overdue markers. */
export async function listKioskChecks(actor: TActor, q: TChecksQuery): Promise<{ items: TCheckView[]; total: number; page: number; pageSize: number; today: string }> {
  const scopes = narrowScope(q.region, actor.regions);
  if (!scopes) throw AppError.validation([{ path: "query.region", message: vmsg("regionOutOfScope") }]);
  const ref = q.ref ? parseCheckReference(q.ref) : null;
  // A reference names one check (or the few whose ids share 8 hex digits): shown whatever its status.
  const statuses = ref ? [...CHECK_STATUSES] : q.status === "open" ? ["scheduled", "in_progress"] : q.status === "all" ? [...CHECK_STATUSES] : [q.status];
  const today = todayCst();
  const [lo, hi] = !ref ? [null, null] : "id" in ref ? [ref.id, ref.id] : idPrefixRange(ref.idPrefix);
  const where = `c.region_code like any($1) and c.status::text = any($2)
    and ($3::uuid is null or c.id between $3::uuid and $4::uuid) and ($5::text is null or c.period = $5)`;
  const params = [scopePatterns(scopes), statuses, lo, hi, ref?.period ?? null];
  const [rows, count] = await Promise.all([
    pool().query<{ id: string; pensioner_id: string; name: string; region_code: string; period: string; reason: TCheckView["reason"]; status: TCheckView["status"]; due_on: string; failures: number; updated_at: Date }>(
      `select c.id, c.pensioner_id, p.name, c.region_code, c.period, c.reason::text as reason, c.status::text as status,
              to_char(c.due_on, 'YYYY-MM-DD') as due_on, c.failures, c.updated_at
         from kiosk_checks c join pensioners p on p.id = c.pensioner_id
        where ${where}
        order by c.due_on, c.region_code, c.id
        limit $6 offset $7`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    ),
    pool().query<{ n: string }>(`select count(*) as n from kiosk_checks c where ${where}`, params),
  ]);
  return {
    items: rows.rows.map((r) => ({
      id: r.id,
      pensionerId: r.pensioner_id,
      name: r.name,
      regionCode: r.region_code,
      period: r.period,
      reason: r.reason,
      status: r.status,
      dueOn: r.due_on,
      failures: r.failures,
      overdue: (r.status === "scheduled" || r.status === "in_progress") && r.due_on < today,
      updatedAt: r.updated_at.toISOString(),
      reference: checkReference(r),
    })),
    total: Number(count.rows[0]!.n),
    page: q.page,
    pageSize: q.pageSize,
    today,
  };
}
