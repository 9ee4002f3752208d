import "server-only";
import { pool } from "../../db/client";
import { pgTx } from "../../db/pg-tx";
import { periodOfInstant } from "../../bdmi/contract";
import { systemActor, type TActor } from "../actor";
import type { TBdmiClient } from "../bdmi/bdmi-client";
import { reassessPensioner, recordReassessment } from "../kiosk/reassess-pensioner";
import { queueFeeSettlement } from "../ledger/queue-fee-settlement";
import { log } from "../log";
import { decryptPii } from "../pensioners/pii-crypto";

/** The case-evidence job: one in_person_check or manual_intervention case event. */
export type TCaseEvidenceJob = { caseEventId: string };

type TEventRow = {
  id: string;
  case_id: string;
  kind: string;
  region_code: string;
  data: { at: string; evidence: { source: string; item: string; result: 0 | 1 } };
  pensioner_id: string;
  id_cipher: Buffer;
  id_key_version: number;
};

export type TCaseEvidenceOutcome =
  | { status: "reassessed"; period: string; from: string | null; to: string }
  | { status: "already-done" | "not-evidence" | "missing" };

const doneQuery = `select 1 from case_events where case_id = $1 and kind = 'reassessed' and data->>'sourceEventId' = $2`;

/**
 * The worker's handler for a case's in-person check (01/01) or manual intervention (01/03): feeds
 * the item to BDMI under the feed id "case-event:<id>", reassesses the pensioner for the period
 * the item falls in (as a kiosk pass does), and writes the revised status, its fee (kind 'case-reassessment', settled
 * on its own as `fee-case:<event id>`) and a `reassessed` case event in one transaction. BDMI calls are outside it, and every one is
 * idempotent (feed id, assessment key), so a job that failed on an outage is simply retried;
 * once the `reassessed` event exists a retry does nothing.
 */
export async function feedCaseEvidence(job: TCaseEvidenceJob, bdmi: TBdmiClient, actor: TActor = systemActor()): Promise<TCaseEvidenceOutcome> {
  const { rows } = await pool().query<TEventRow>(
    `select e.id::text, e.case_id::text, e.kind, e.region_code, e.data, c.pensioner_id::text, p.id_cipher, p.id_key_version
       from case_events e join cases c on c.id = e.case_id join pensioners p on p.id = c.pensioner_id
      where e.id = $1::bigint`,
    [job.caseEventId],
  );
  const ev = rows[0];
  if (!ev) {
    log.error("case evidence job: no such case event", { caseEventId: job.caseEventId });
    return { status: "missing" };
  }
  if (ev.kind !== "in_person_check" && ev.kind !== "manual_intervention") return { status: "not-evidence" };
  if ((await pool().query(doneQuery, [ev.case_id, ev.id])).rowCount) return { status: "already-done" };

  const feedId = `case-event:${ev.id}`;
  const nationalId = decryptPii(ev.id_cipher, ev.id_key_version);
  // BDMI keeps evidence only for enrolled subjects; enrolling is idempotent and free.
  await bdmi.enrolSubjects([nationalId]);
  const { source, item, result } = ev.data.evidence;
  const report = await bdmi.feedEvidence(feedId, [{ source, item, result, at: ev.data.at, nationalId, sourceRef: feedId }]);
  if (report.accepted !== 1) {
    // Not transient: the platform sent an item BDMI refuses. Failing the job keeps it visible.
    throw new Error(`BDMI did not accept feed ${feedId}: ${JSON.stringify({ ...report, rejections: report.rejections.slice(0, 3) })}`);
  }

  const period = periodOfInstant(ev.data.at);
  const r = await reassessPensioner(bdmi, { pensionerId: ev.pensioner_id, nationalId, period, idempotencyKey: `case-reassess:${ev.id}` });
  return pgTx(async (client): Promise<TCaseEvidenceOutcome> => {
    // The case row serialises two deliveries of the same job; the second finds the event written.
    await client.query(`select 1 from cases where id = $1 for update`, [ev.case_id]);
    if ((await client.query(doneQuery, [ev.case_id, ev.id])).rowCount) return { status: "already-done" };
    const rev = await recordReassessment(client, actor, r, {
      pensionerId: ev.pensioner_id,
      regionCode: ev.region_code,
      period,
      checkId: null,
      cause: "case-event",
      caseEventId: ev.id,
    });
    // The case's own fee kind and settlement, committed with the fee (the outbox).
    await queueFeeSettlement(client, { key: `fee-case:${ev.id}`, kind: "fee-case", feeFilter: { feeIds: [rev.feeId] } });
    await client.query(`insert into case_events (case_id, case_period, region_code, kind, actor_id, data)
       values ($1, (select period from cases where id = $1 and region_code = $2), $2, 'reassessed', null, $3)`, [
      ev.case_id,
      ev.region_code,
      JSON.stringify({ sourceEventId: ev.id, feedId, evidence: `${source}/${item}`, result, period, from: rev.from, to: rev.to, basis: r.result.state.basis, feeId: rev.feeId }),
    ]);
    return { status: "reassessed", period, from: rev.from, to: rev.to };
  });
}
