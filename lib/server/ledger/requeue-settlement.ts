import "server-only";
import { pgTx } from "../../db/pg-tx";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAuditBulk } from "../audit/record-audit-bulk";
import { inScope, overlapsScope } from "../regions/scope";

/**
 * Puts a failed settlement back in the outbox, due at once: the worker submits the same intent
 * again (the ledger is idempotent on its key, so nothing can be paid twice). Only a failed one can
 * be requeued (409), and only by someone whose regions hold all its fees (404 if none, 403 if some).
 * The change and its `settlement.requeued` audit event, with the error it failed on, commit together.
 */
export async function requeueSettlement(actor: TActor, id: string): Promise<{ id: string; state: "queued" }> {
  return pgTx(async (client) => {
    const { rows } = await client.query<{ id: string; idempotency_key: string; kind: string; state: string; region_code: string; amount: string; attempts: number; last_error: string | null; regions: string[] }>(
      `select s.id::text, s.idempotency_key, s.kind, s.state::text, s.region_code, s.amount::text, s.attempts, s.last_error,
              coalesce((select array_agg(distinct f.region_code) from fee_records f where f.settlement_id = s.id), array[s.region_code]) as regions
         from settlements s where s.id = $1::uuid for update of s`,
      [id],
    );
    const s = rows[0];
    if (!s || !s.regions.some((r) => overlapsScope(r, actor.regions))) throw AppError.notFound("Settlement");
    if (!s.regions.every((r) => inScope(r, actor.regions))) throw new AppError("FORBIDDEN", "This settlement pays fees of regions beyond yours");
    if (s.state !== "failed") throw new AppError("CONFLICT", `Only a failed settlement can be requeued; this one is ${s.state}`);
    await client.query(`update settlements set state = 'queued', next_attempt_at = now(), ledger_ref = null, last_error = null where id = $1`, [s.id]);
    await recordAuditBulk(client, actor, "settlement.requeued", "settlement", [
      { targetId: s.id, regionCode: s.region_code, summary: { key: s.idempotency_key, kind: s.kind, amount: s.amount, attempts: s.attempts, error: s.last_error } },
    ]);
    return { id: s.id, state: "queued" as const };
  });
}
