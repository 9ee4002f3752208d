import "server-only";
import type { z } from "zod";
import { pool } from "../../db/client";
import type { TLivenessResponse } from "../../bdmi/contract";
import { KIOSK_MAX_TRIES, KIOSK_TRY_SECONDS, MAX_FRAME_BYTES, type TKioskResult, type ZKioskSubmit } from "../../domain/kiosk-contract";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAuditBulk } from "../audit/record-audit-bulk";
import type { TBdmiClient } from "../bdmi/bdmi-client";
import { decryptPii } from "../pensioners/pii-crypto";
import { isUuid } from "../schemas";
import type { TKioskDevice } from "./authenticate-device";
import { reassessPensioner, recordReassessment, type TReassessment } from "./reassess-pensioner";
import { queueFeeSettlement } from "../ledger/queue-fee-settlement";
import { recordFee } from "../ledger/record-fee";

type TAttempt = {
  id: string;
  check_id: string;
  pensioner_id: string;
  region_code: string;
  steps: string[];
  expires_at: Date;
  submitted_at: Date | null;
  period: string;
  status: string;
  failures: number;
  id_cipher: Buffer;
  id_key_version: number;
};

/** Frames must be JPEG bytes within the contract's limit: each refusal names its frame. */
export function checkFrames(frames: string[]): void {
  frames.forEach((f, i) => {
    const bytes = Buffer.from(f.slice(0, 8), "base64");
    const size = Math.floor((f.length * 3) / 4) - (f.endsWith("==") ? 2 : f.endsWith("=") ? 1 : 0);
    if (size > MAX_FRAME_BYTES) {
      throw new AppError("PAYLOAD_TOO_LARGE", "A frame is too large", { fieldErrors: [{ path: `body.frames.${i}`, message: vmsg("tooBig", { max: MAX_FRAME_BYTES }) }] });
    }
    if (!(bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)) throw AppError.validation([{ path: `body.frames.${i}`, message: vmsg("notJpeg") }]);
  });
}

/**
 * Submits a try: BDMI decides it from the frames (outside any transaction; an outage is a 502 and
 * leaves the check in_progress with nothing written), and on a pass the pensioner is reassessed
 * for the check's period. Then one transaction claims the attempt (a replayed challengeId is a
 * 409), moves the check (passed | review | in_progress | failed after the last try), opens a case
 * for review or the last failure, records the fees and the revised status, and audits it all.
 */
export async function submitKioskCheck(
  actor: TActor,
  device: TKioskDevice,
  checkId: string,
  input: z.infer<typeof ZKioskSubmit>,
  bdmi: TBdmiClient,
): Promise<TKioskResult> {
  checkFrames(input.frames);
  const { rows } = await pool().query<TAttempt>(
    `select a.id::text, a.check_id::text, a.pensioner_id::text, a.region_code, a.steps, a.expires_at, a.submitted_at,
            c.period, c.status::text, c.failures, p.id_cipher, p.id_key_version
       from kiosk_attempts a
       join kiosk_checks c on c.id = a.check_id
       join pensioners p on p.id = a.pensioner_id
      where a.id = $1::uuid and a.check_id = $2::uuid and a.region_code like $3`,
    [isUuid(input.challengeId) ? input.challengeId : "00000000-0000-0000-0000-000000000000", checkId, `${device.regionCode}%`],
  );
  const a = rows[0];
  if (!a) throw AppError.notFound("Challenge");
  if (a.submitted_at) throw new AppError("CONFLICT", "This challenge was already submitted");
  if (a.status !== "in_progress") throw new AppError("CONFLICT", "This check is not in progress");
  if (a.expires_at.getTime() < Date.now()) throw new AppError("CONFLICT", "This challenge has expired; please start again");

  const nationalId = decryptPii(a.id_cipher, a.id_key_version);
  let decision: TLivenessResponse;
  try {
    decision = await bdmi.livenessCheck({
      idempotencyKey: `kiosk-attempt:${a.id}`,
      nationalId,
      period: a.period,
      challenge: { steps: a.steps as ("blink" | "turn-left" | "turn-right")[], limitMs: KIOSK_TRY_SECONDS * 1000 },
      transcript: input.transcript,
      client: { liveness: input.liveness, antispoof: input.antispoof, embedding: input.embedding },
      frames: input.frames,
    });
  } catch (e) {
    if (e instanceof AppError && e.upstreamStatus === 404) throw new AppError("CONFLICT", "No reference face is enrolled for this pensioner; please see the counter", { cause: e });
    if (e instanceof AppError && (e.upstreamStatus === 400 || e.upstreamStatus === 413)) {
      throw AppError.validation([{ path: "body.frames", message: vmsg("invalid") }]);
    }
    throw e;
  }
  // A pass is new evidence (10/01, now in BDMI): reassess this one pensioner for the period.
  const reassessed: TReassessment | null =
    decision.decision === "pass"
      ? await reassessPensioner(bdmi, { pensionerId: a.pensioner_id, nationalId, period: a.period, idempotencyKey: `kiosk-reassess:${a.id}` })
      : null;

  const client = await pool().connect();
  try {
    await client.query("begin");
    const claim = await client.query(
      `update kiosk_attempts set submitted_at = now(), decision = $2, reasons = $3, scores = $4, bdmi_call_id = $5 where id = $1 and submitted_at is null`,
      [a.id, decision.decision, decision.reasons, JSON.stringify({ ...decision.scores, thresholds: decision.thresholds, model: decision.model, decisionId: decision.decisionId }), decision.callId],
    );
    if (claim.rowCount === 0) throw new AppError("CONFLICT", "This challenge was already submitted");
    const chk = await client.query<{ failures: number; status: string }>(`select failures, status::text from kiosk_checks where id = $1 for update`, [a.check_id]);
    const c = chk.rows[0]!;
    if (c.status !== "in_progress") throw new AppError("CONFLICT", "This check is not in progress");
    const failures = c.failures + (decision.decision === "fail" ? 1 : 0);
    const to = decision.decision === "pass" ? "passed" : decision.decision === "review" ? "review" : failures >= KIOSK_MAX_TRIES ? "failed" : "in_progress";
    await client.query(
      `update kiosk_checks set status = $2::"CheckStatus", failures = $3, decided_at = case when $2 = 'in_progress' then null else now() end, updated_at = now() where id = $1`,
      [a.check_id, to, failures],
    );
    await recordAuditBulk(client, actor, "kiosk_check.submit", "kiosk_check", [
      {
        targetId: a.check_id,
        regionCode: a.region_code,
        summary: { attemptId: a.id, deviceId: device.id, decision: decision.decision, reasons: decision.reasons, scores: decision.scores, thresholds: decision.thresholds, from: "in_progress", to, failures, bdmiCallId: decision.callId },
      },
    ]);
    const caseReason = to === "review" ? "check_review" : to === "failed" ? "check_failed" : null;
    if (caseReason) {
      const cs = await client.query<{ id: string }>(
        `insert into cases (id, pensioner_id, region_code, reason, period, detail)
         values (gen_random_uuid(), $1, $2, $3::"CaseReason", $4, $5)
         on conflict (pensioner_id, reason, period, region_code) do nothing returning id`,
        [a.pensioner_id, a.region_code, caseReason, a.period, JSON.stringify({ checkId: a.check_id, attemptId: a.id, reasons: decision.reasons })],
      );
      if (cs.rows[0]) {
        await recordAuditBulk(client, actor, "case.opened", "case", [
          { targetId: cs.rows[0].id, regionCode: a.region_code, summary: { pensionerId: a.pensioner_id, reason: caseReason, period: a.period, checkId: a.check_id } },
        ]);
      }
    }
    const feeIds = [(await recordFee(client, { kind: "liveness", period: a.period, regionCode: a.region_code, fee: decision.fee, bdmiCallId: decision.callId })).id];
    if (reassessed) {
      const rev = await recordReassessment(client, actor, reassessed, { pensionerId: a.pensioner_id, regionCode: a.region_code, period: a.period, checkId: a.check_id });
      feeIds.push(rev.feeId);
    }
    // One settlement for the try's fees (the check and its reassessment), committed with them: the outbox.
    await queueFeeSettlement(client, { key: `fee-check:${a.id}`, kind: "fee-check", feeFilter: { feeIds } });
    await client.query("commit");
    return { decision: decision.decision, reasons: decision.reasons, triesLeft: to === "in_progress" ? KIOSK_MAX_TRIES - failures : 0 };
  } catch (e) {
    await client.query("rollback").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
