import "server-only";
import type pg from "pg";
import { arrearsSchedule, type TPaymentEffect } from "../../domain/case-machine";
import { currentPeriod } from "../../domain/period";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAuditBulk } from "../audit/record-audit-bulk";

export type TEffectTarget = {
  caseId: string;
  pensionerId: string;
  regionCode: string;
  paymentStatus: "active" | "suspended" | "terminated";
  /** For a termination: the certified day of death (YYYY-MM-DD), whose month ends the savings. */
  deathCertifiedOn: string | null;
};

type THold = { id: string; kind: string; cause: string; start_period: string; monthly_fen: string };

/**
 * Writes a decided case's payment effect inside the caller's transaction (lib/domain/case-machine
 * TPaymentEffect): a hold stops payment from the current period (a suspension's hold in force
 * becomes the termination, keeping its start), a lift resumes payment this period and owes the
 * held months as arrears. The pensioner's payment status and version move with it, audited.
 */
export async function applyPaymentEffect(client: pg.PoolClient, actor: TActor, t: TEffectTarget, effect: TPaymentEffect, now: Date): Promise<Record<string, unknown> | null> {
  if (effect.kind === "none") return null;
  const period = currentPeriod(now);
  const inForce = (
    await client.query<THold>(
      `select id::text, kind, cause, start_period, monthly_fen::text from payment_holds where pensioner_id = $1 and lifted_period is null for update`,
      [t.pensionerId],
    )
  ).rows[0];

  if (effect.kind === "hold") {
    const savingsEnd = effect.to === "terminated" && t.deathCertifiedOn ? t.deathCertifiedOn.slice(0, 7) : null;
    let hold: { id: string; start_period: string; monthly_fen: string };
    if (inForce) {
      // Only a suspension can become a termination; anything else means the payment status and its holds disagree.
      if (effect.to !== "terminated" || inForce.kind !== "suspended") {
        throw new AppError("CONFLICT", "A payment stop is already in force for this pensioner", { logMessage: `hold ${inForce.id} (${inForce.kind}) in force for pensioner ${t.pensionerId}` });
      }
      await client.query(
        `update payment_holds set kind = 'terminated', cause = $2, savings_end_period = coalesce($3, savings_end_period), approved_by = $4 where id = $1`,
        [inForce.id, effect.cause, savingsEnd, actor.userId],
      );
      hold = inForce;
    } else {
      hold = (
        await client.query<{ id: string; start_period: string; monthly_fen: string }>(
          `insert into payment_holds (id, pensioner_id, region_code, case_id, kind, cause, monthly_fen, start_period, savings_end_period, approved_by)
           select gen_random_uuid(), p.id, p.region_code, $2, $3, $4, p.monthly_pension_fen, $5, $6, $7 from pensioners p where p.id = $1
           returning id::text, start_period, monthly_fen::text`,
          [t.pensionerId, t.caseId, effect.to, effect.cause, period, savingsEnd, actor.userId],
        )
      ).rows[0]!;
    }
    await client.query(`update pensioners set payment_status = $2::"PaymentStatus", version = version + 1, updated_at = now() where id = $1`, [t.pensionerId, effect.to]);
    const summary = {
      caseId: t.caseId,
      holdId: hold.id,
      from: t.paymentStatus,
      to: effect.to,
      cause: effect.cause,
      startPeriod: hold.start_period,
      monthlyFen: hold.monthly_fen,
      savingsEndPeriod: savingsEnd,
      converted: !!inForce,
    };
    await recordAuditBulk(client, actor, "payment.hold", "pensioner", [{ targetId: t.pensionerId, regionCode: t.regionCode, summary }]);
    return summary;
  }

  // lift: payment resumes this period; each held month before it is owed once, due now.
  let arrears: { period: string; amountFen: bigint }[] = [];
  if (inForce) {
    await client.query(`update payment_holds set lifted_period = $2, lifted_at = $3 where id = $1`, [inForce.id, period, now]);
    arrears = arrearsSchedule(inForce.start_period, period, BigInt(inForce.monthly_fen));
    if (arrears.length) {
      await client.query(
        `insert into payment_arrears (hold_id, period, pensioner_id, region_code, amount_fen, due_period)
         select $1, t.period, $2, $3, t.amount, $4 from unnest($5::text[], $6::bigint[]) as t(period, amount)`,
        [inForce.id, t.pensionerId, t.regionCode, period, arrears.map((a) => a.period), arrears.map((a) => a.amountFen.toString())],
      );
    }
  }
  await client.query(`update pensioners set payment_status = 'active', version = version + 1, updated_at = now() where id = $1`, [t.pensionerId]);
  const summary = {
    caseId: t.caseId,
    holdId: inForce?.id ?? null,
    from: t.paymentStatus,
    to: "active",
    liftedPeriod: period,
    arrearsMonths: arrears.length,
    arrearsFen: arrears.reduce((s, a) => s + a.amountFen, 0n).toString(),
  };
  await recordAuditBulk(client, actor, "payment.lift", "pensioner", [{ targetId: t.pensionerId, regionCode: t.regionCode, summary }]);
  return summary;
}
