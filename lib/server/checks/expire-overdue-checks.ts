import "server-only";
import { env } from "../../env.js";
import { pool } from "../../db/client";
import type { TActor } from "../actor";
import { recordAuditBulk } from "../audit/record-audit-bulk";
import { todayCst } from "./list-kiosk-checks";

/**
 * The worker's sweep: checks still scheduled or in progress once the grace period after their due
 * date (CASE_GRACE_DAYS, CST days) has passed become expired and each opens an `overdue` case, with
 * their audit events, in one transaction per batch. Within the grace period a check is only shown
 * as overdue and can still be done at a kiosk.
 */
export async function expireOverdueChecks(actor: TActor, opts: { batch?: number; now?: Date; graceDays?: number } = {}): Promise<number> {
  const today = todayCst(opts.now);
  const grace = opts.graceDays ?? env.CASE_GRACE_DAYS;
  let total = 0;
  for (;;) {
    const client = await pool().connect();
    try {
      await client.query("begin");
      const { rows } = await client.query<{ id: string; pensioner_id: string; region_code: string; period: string; status: string }>(
        `with due as (
           select id, status from kiosk_checks
            where status in ('scheduled', 'in_progress') and due_on + $3::int < $1::date
            order by due_on limit $2 for update skip locked)
         update kiosk_checks c set status = 'expired', decided_at = now(), updated_at = now()
           from due where c.id = due.id
         returning c.id, c.pensioner_id, c.region_code, c.period, due.status::text as status`,
        [today, opts.batch ?? 1000, grace],
      );
      if (rows.length) {
        await recordAuditBulk(
          client,
          actor,
          "kiosk_check.expire",
          "kiosk_check",
          rows.map((r) => ({ targetId: r.id, regionCode: r.region_code, summary: { from: r.status, to: "expired", period: r.period, graceDays: grace } })),
        );
        const cs = await client.query<{ id: string; pensioner_id: string; region_code: string; period: string }>(
          `insert into cases (id, pensioner_id, region_code, reason, period, detail)
           select gen_random_uuid(), t.pid, t.region, 'overdue', t.period, jsonb_build_object('checkId', t.cid, 'graceDays', $5::int)
             from unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) as t(pid, region, period, cid)
           on conflict (pensioner_id, reason, period, region_code) do nothing
           returning id, pensioner_id, region_code, period`,
          [rows.map((r) => r.pensioner_id), rows.map((r) => r.region_code), rows.map((r) => r.period), rows.map((r) => r.id), grace],
        );
        await recordAuditBulk(
          client,
          actor,
          "case.opened",
          "case",
          cs.rows.map((c) => ({ targetId: c.id, regionCode: c.region_code, summary: { pensionerId: c.pensioner_id, reason: "overdue", period: c.period } })),
        );
      }
      await client.query("commit");
      total += rows.length;
      if (rows.length < (opts.batch ?? 1000)) return total;
    } catch (e) {
      await client.query("rollback").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }
}
