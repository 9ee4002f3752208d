import { MAX_LIVENESS_FRAME_BYTES, type TFeeCharge, type TLivenessRequest, type TLivenessResponse, type TLivenessThresholds } from "../contract";
import type { TBdmiContext } from "./context";
import { analyseJpeg, BadImageError, cosine, thumbDistance, type TAnalysis } from "./face-engine";
import { decryptTemplate } from "./face-crypto";
import { DEFAULT_LIVENESS_THRESHOLDS, FACE_MODEL, jpegField } from "./faces";
import { currentSchedule, livenessCharge } from "./fees";
import { decideLiveness } from "./liveness-decision";
import { invalid, ProblemError } from "./problem";
import { subjectOf } from "./subject-crypto";

const ENDPOINT = "liveness-checks";
/** Frames whose thumbnails differ by less than this (grey levels, mean) are the same picture. */
const STATIC_FRAME_DISTANCE = 1;

type TStored = {
  id: string;
  request_sha256: string;
  decision: TLivenessResponse["decision"];
  reasons: string[];
  scores: TLivenessResponse["scores"];
  thresholds: TLivenessThresholds;
  model: string;
  evidence_id: string | null;
  decided_at: Date;
  call_id: string;
  count: number;
  schedule_version: string;
  fee_total: string;
  shares: TFeeCharge["shares"];
};

const STORED = `
  select d.id::text, d.request_sha256, d.decision, d.reasons, d.scores, d.thresholds, d.model, d.evidence_id::text, d.decided_at,
         c.id::text as call_id, c.count, c.schedule_version, c.fee_total::text, c.shares
    from bdmi.liveness_decisions d join bdmi.calls c on c.id = d.call_id
   where d.agency = $1 and d.idempotency_key = $2`;

function responseOf(r: TStored, replayed: boolean): TLivenessResponse {
  return {
    callId: r.call_id,
    decisionId: r.id,
    replayed,
    decision: r.decision,
    reasons: r.reasons,
    scores: r.scores,
    thresholds: r.thresholds,
    model: r.model,
    fee: { scheduleVersion: r.schedule_version, count: r.count, perAssessment: r.fee_total, total: r.fee_total, shares: r.shares },
    evidenceId: r.evidence_id,
    decidedAt: r.decided_at.toISOString(),
  };
}

function replayOf(r: TStored, bodySha256: string): TLivenessResponse {
  if (r.request_sha256 !== bodySha256) {
    throw new ProblemError(409, "idempotency-conflict", "Idempotency key reused", "this idempotency key was used before with a different request body");
  }
  return responseOf(r, true);
}

/**
 * Decides a liveness check from the frames themselves: Human recomputes faces, embeddings, liveness
 * and anti-spoof scores here (the browser's numbers are only compared), the transcript is checked
 * for human timing, and the template match decides. The fee is charged once per idempotency key,
 * a pass records a 10/01 evidence item for the period, and no frame outlives the request.
 */
export async function livenessCheck(ctx: TBdmiContext, agency: string, bodySha256: string, req: TLivenessRequest): Promise<TLivenessResponse> {
  const prior = await ctx.pool.query<TStored>(STORED, [agency, req.idempotencyKey]);
  if (prior.rows[0]) return replayOf(prior.rows[0], bodySha256);

  const subject = subjectOf(ctx.subjectKey, req.nationalId);
  const tpl = await ctx.pool.query<{ template_cipher: Buffer }>("select template_cipher from bdmi.faces where subject = $1", [subject]);
  if (!tpl.rows[0]) throw new ProblemError(404, "no-template", "No face enrolled", "no reference face is enrolled for this person", [{ path: "nationalId", message: "no-template" }]);

  const frames = req.frames.map((f, i) => jpegField(f, `frames.${i}`, MAX_LIVENESS_FRAME_BYTES));
  let analyses: TAnalysis[];
  try {
    // The frames go to the face workers side by side; a bad frame is named by its index, the first
    // one when several are bad, whichever worker answers first.
    const settled = await Promise.allSettled(frames.map((f) => analyseJpeg(f)));
    analyses = settled.map((s, i) => {
      if (s.status === "fulfilled") return s.value;
      const e = s.reason as unknown;
      if (e instanceof BadImageError) throw invalid(e.message, [{ path: `frames.${i}`, message: e.message }]);
      throw e;
    });
  } finally {
    for (const f of frames) f.fill(0);
  }

  const template = decryptTemplate(ctx.dataKey, subject, tpl.rows[0].template_cipher);
  const th = ctx.thresholds ?? DEFAULT_LIVENESS_THRESHOLDS;
  const identical = new Set(req.frames).size < req.frames.length;
  const staticFrames =
    frames.length > 1 && (identical || analyses.every((a, i) => i === 0 || thumbDistance(a.thumb, analyses[0]!.thumb) < STATIC_FRAME_DISTANCE));
  const firstFace = analyses.find((a) => a.faces.length === 1)?.faces[0];
  const d = decideLiveness(
    {
      frames: analyses.map((a) => {
        const f = a.faces.length === 1 ? a.faces[0]! : null;
        return { faces: a.faces.length, similarity: f ? cosine(template, f.embedding) : null, live: f?.live ?? null, real: f?.real ?? null };
      }),
      staticFrames,
      steps: req.challenge.steps,
      limitMs: req.challenge.limitMs,
      transcript: req.transcript,
      clientSimilarity: firstFace ? cosine(req.client.embedding, firstFace.embedding) : null,
    },
    th,
  );
  const scores: TLivenessResponse["scores"] = {
    faces: analyses.map((a) => a.faces.length),
    similarity: d.similarity,
    liveness: d.liveness,
    antispoof: d.antispoof,
    clientSimilarity: firstFace ? Math.round(cosine(req.client.embedding, firstFace.embedding) * 1000) / 1000 : null,
  };
  const fee = livenessCharge(await currentSchedule(ctx.pool));

  const c = await ctx.pool.connect();
  try {
    await c.query("begin");
    const call = await c.query<{ id: string }>(
      `insert into bdmi.calls (agency, endpoint, idempotency_key, request_sha256, period, count, schedule_version, fee_total, shares)
       values ($1, $2, $3, $4, $5, 1, $6, $7, $8)
       on conflict (agency, endpoint, idempotency_key) do nothing returning id::text`,
      [agency, ENDPOINT, req.idempotencyKey, bodySha256, req.period, fee.scheduleVersion, fee.total, JSON.stringify(fee.shares)],
    );
    if (!call.rows[0]) {
      // A concurrent request with the same key decided first: answer its decision.
      await c.query("rollback");
      const again = await ctx.pool.query<TStored>(STORED, [agency, req.idempotencyKey]);
      if (!again.rows[0]) throw new ProblemError(409, "in-progress", "Decision in progress", "a request with this idempotency key is being decided");
      return replayOf(again.rows[0], bodySha256);
    }
    let evidenceId: string | null = null;
    if (d.decision === "pass") {
      const ev = await c.query<{ id: string }>(
        `insert into bdmi.evidence (subject, period, source, item, result, at, feed_id, source_ref)
         values ($1, $2, '10', '01', 1, now(), $3, $4) returning id::text`,
        [subject, req.period, `liveness:${call.rows[0].id}`, req.idempotencyKey.slice(0, 100)],
      );
      evidenceId = ev.rows[0]!.id;
    }
    const ins = await c.query<TStored>(
      `with d as (
         insert into bdmi.liveness_decisions (call_id, agency, idempotency_key, request_sha256, subject, period, decision, reasons, scores, thresholds, model, evidence_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning *)
       select d.id::text, d.request_sha256, d.decision, d.reasons, d.scores, d.thresholds, d.model, d.evidence_id::text, d.decided_at,
              $1::text as call_id, 1 as count, $13::text as schedule_version, $14::text as fee_total, $15::jsonb as shares
         from d`,
      [call.rows[0].id, agency, req.idempotencyKey, bodySha256, subject, req.period, d.decision, d.reasons, JSON.stringify(scores), JSON.stringify(th), FACE_MODEL, evidenceId, fee.scheduleVersion, fee.total, JSON.stringify(fee.shares)],
    );
    await c.query("commit");
    ctx.log(`liveness ${req.idempotencyKey}: ${d.decision} [${d.reasons.join(",")}] in ${analyses.reduce((a, x) => a + x.ms, 0)} ms`);
    return responseOf(ins.rows[0]!, false);
  } catch (e) {
    await c.query("rollback").catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}
