import { nationalIdProblem } from "../../domain/national-id";
import { MAX_FACE_PHOTO_BYTES, type TFaceEnrolRequest, type TFaceEnrolResponse, type TLivenessThresholds } from "../contract";
import type { TBdmiContext } from "./context";
import { analyseJpeg, BadImageError, looksLikeJpeg } from "./face-engine";
import { encryptTemplate } from "./face-crypto";
import { invalid, ProblemError } from "./problem";
import { subjectOf } from "./subject-crypto";
import { enrolValid } from "./subjects";

/** The embedding model of every template: Human 3.3's faceres descriptor. */
export const FACE_MODEL = "human-3.3/faceres";

/** Defaults of the decision thresholds; the service's configuration overrides them (lib/env.js). */
export const DEFAULT_LIVENESS_THRESHOLDS: TLivenessThresholds = { match: 0.7, review: 0.6, liveness: 0.5, antispoof: 0.3 };

/** base64 → bytes, checked to be a JPEG of at most maxBytes; the problem names the field. */
export function jpegField(b64: string, path: string, maxBytes: number): Buffer {
  const buf = Buffer.from(b64, "base64");
  if (buf.length > maxBytes) throw new ProblemError(413, "too-large", "Image too large", `${path} is ${buf.length} bytes; at most ${maxBytes}`, [{ path, message: `at most ${maxBytes} bytes` }]);
  if (!looksLikeJpeg(buf)) throw invalid(`${path} is not a JPEG`, [{ path, message: "not a JPEG" }]);
  return buf;
}

/**
 * Enrols (or replaces) a subject's reference template from one photo with exactly one face. The
 * embedding is computed here, stored encrypted, and the photo is dropped: no image is kept.
 */
export async function enrolFace(ctx: TBdmiContext, agency: string, req: TFaceEnrolRequest): Promise<TFaceEnrolResponse> {
  const idProblem = nationalIdProblem(req.nationalId);
  if (idProblem) throw invalid("nationalId is not a valid GB 11643 number", [{ path: "nationalId", message: idProblem }]);
  const photo = jpegField(req.photo, "photo", MAX_FACE_PHOTO_BYTES);
  let analysis;
  try {
    analysis = await analyseJpeg(photo);
  } catch (e) {
    if (e instanceof BadImageError) throw invalid(e.message, [{ path: "photo", message: e.message }]);
    throw e;
  } finally {
    photo.fill(0);
  }
  const faces = analysis.faces;
  if (faces.length !== 1) {
    const slug = faces.length === 0 ? "no-face" : "two-faces";
    throw new ProblemError(422, slug, "No usable face", `the photo must show exactly one face; it shows ${faces.length}`, [
      { path: "photo", message: slug },
    ]);
  }
  const face = faces[0]!;
  const subject = subjectOf(ctx.subjectKey, req.nationalId);
  await enrolValid(ctx, agency, [req.nationalId], [subject]);
  const { rows } = await ctx.pool.query<{ replaced: boolean; enrolled_at: Date }>(
    `insert into bdmi.faces (subject, agency, template_cipher, model, face_score)
     values ($1, $2, $3, $4, $5)
     on conflict (subject) do update set agency = excluded.agency, template_cipher = excluded.template_cipher,
            model = excluded.model, face_score = excluded.face_score, enrolled_at = now()
     returning (xmax <> 0) as replaced, enrolled_at`,
    [subject, agency, encryptTemplate(ctx.dataKey, subject, face.embedding), FACE_MODEL, face.score],
  );
  ctx.log(`face enrolled for a subject of ${agency} (${rows[0]!.replaced ? "replaced" : "new"}, ${analysis.ms} ms)`);
  return { enrolled: true, replaced: rows[0]!.replaced, model: FACE_MODEL, faceScore: Math.round(face.score * 1000) / 1000, enrolledAt: rows[0]!.enrolled_at.toISOString() };
}
