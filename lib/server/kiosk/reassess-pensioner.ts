import "server-only";
import type pg from "pg";
import { pool } from "../../db/client";
import type { TAssessmentResponse, TAssessmentResult } from "../../bdmi/contract";
import type { TSurvivalState } from "../../bdmi/survival-model";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import type { TBdmiClient } from "../bdmi/bdmi-client";
import { recordFee, type TFeeKind } from "../ledger/record-fee";
import { previousState, reviseSurvivalStatus } from "./revise-survival-status";

// A same-period reassessment of one pensioner after new evidence reached BDMI (a kiosk pass, 10/01;
// a case's in-person check, 01/01, or manual intervention, 01/03): BDMI is asked outside any
// transaction, and the answer is written in the caller's.

export type TReassessment = { previous: TSurvivalState | null; response: TAssessmentResponse; result: TAssessmentResult };

/** Asks BDMI to reassess one pensioner for `period` (idempotent on the key: a retry is not charged again). */
export async function reassessPensioner(bdmi: TBdmiClient, p: { pensionerId: string; nationalId: string; period: string; idempotencyKey: string }): Promise<TReassessment> {
  const previous = await previousState(pool(), p.pensionerId, p.period);
  const response = await bdmi.assess({ period: p.period, idempotencyKey: p.idempotencyKey, items: [{ ref: p.pensionerId, nationalId: p.nationalId, previous }] });
  const result = response.results[0];
  if (!result) throw new AppError("BDMI_UNAVAILABLE", "The BDMI scoring service could not reassess the pensioner", { logMessage: JSON.stringify(response.errors) });
  return { previous, response, result };
}

/**
 * Writes a reassessment inside the caller's transaction: its fee record (a kiosk check's
 * 'assessment', a case's 'case-reassessment') and the revised status, audited. The caller queues
 * the fee's settlement in the same transaction (a kiosk check settles its fees as one).
 */
export async function recordReassessment(
  client: pg.PoolClient,
  actor: TActor,
  r: TReassessment,
  p: { pensionerId: string; regionCode: string; period: string; checkId: string | null; cause?: "kiosk-check" | "case-event"; caseEventId?: string },
) {
  const feeKind: TFeeKind = p.cause === "case-event" ? "case-reassessment" : "assessment";
  const fee = await recordFee(client, { kind: feeKind, period: p.period, regionCode: p.regionCode, fee: r.response.fee, bdmiCallId: r.response.callId });
  const revised = await reviseSurvivalStatus(client, actor, { ...p, result: r.result, previous: r.previous });
  return { ...revised, feeId: fee.id };
}
