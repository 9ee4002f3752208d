import { z } from "zod";
import {
  BDMI_API_VERSION,
  MAX_ASSESSMENT_BATCH,
  MAX_FEED_ITEMS,
  ZAssessmentRequest,
  ZAssessmentResponse,
  ZFaceEnrolRequest,
  ZFaceEnrolResponse,
  ZFeedItem,
  ZFeedReport,
  ZFeeSchedule,
  ZLivenessRequest,
  ZLivenessResponse,
  ZSubjectsRequest,
  ZSubjectsResponse,
} from "../contract";
import { H, MAX_SKEW_SECONDS, SIGNATURE_VERSION } from "../signing";

// The OpenAPI 3.1 document is generated from the contract's zod schemas (zod 4's native
// z.toJSONSchema over a registry, https://zod.dev/json-schema), so it cannot drift from what the
// service actually parses. OpenAPI 3.1 schemas are JSON Schema 2020-12, zod's default target.

const ZProblem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
});

const schemas = {
  FeeSchedule: ZFeeSchedule,
  SubjectsRequest: ZSubjectsRequest,
  SubjectsResponse: ZSubjectsResponse,
  AssessmentRequest: ZAssessmentRequest,
  AssessmentResponse: ZAssessmentResponse,
  FeedItem: ZFeedItem,
  FeedReport: ZFeedReport,
  FaceEnrolRequest: ZFaceEnrolRequest,
  FaceEnrolResponse: ZFaceEnrolResponse,
  LivenessRequest: ZLivenessRequest,
  LivenessResponse: ZLivenessResponse,
  Problem: ZProblem,
} as const;

function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, s] of Object.entries(schemas)) registry.add(s, { id });
  const out = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: "any", io: "input" });
  const result: Record<string, unknown> = {};
  for (const [id, s] of Object.entries(out.schemas)) {
    // $id would be a fragment-only URI here, which JSON Schema 2020-12 forbids; components are named by their key.
    const { $schema: _s, $id: _i, ...rest } = s as Record<string, unknown>;
    result[id] = rest;
  }
  return result;
}

const ref = (id: keyof typeof schemas) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: keyof typeof schemas) => ({ "application/json": { schema: ref(id) } });

const signedHeaders = Object.fromEntries(
  [H.timestamp, H.contentSha256, H.signature].map((h) => [h, { $ref: `#/components/headers/${h}` }]),
);
const problem = (description: string) => ({ description, headers: signedHeaders, content: { "application/problem+json": { schema: ref("Problem") } } });
const ok = (description: string, content: object) => ({ description, headers: signedHeaders, content });
const errors = {
  "400": problem("The request is not valid; `errors` lists field paths"),
  "401": problem("Missing or bad signature, clock skew, replayed nonce, tampered body or unknown agency"),
  "413": problem("The body is too large"),
};
const signedParams = [H.agency, H.timestamp, H.nonce, H.contentSha256, H.signature].map((h) => ({ $ref: `#/components/parameters/${h}` }));

let cached: string | null = null;

export function openApiDocument(): string {
  if (cached) return cached;
  const doc = {
    openapi: "3.1.0",
    info: {
      title: "BDMI scoring service",
      version: BDMI_API_VERSION,
      description:
        "The survival model (BDMI multi-dimension assessment) as a service. Every request except this document and " +
        "/healthz is signed by the calling agency, and every response is signed by the service: see the security scheme.",
    },
    servers: [{ url: "/" }],
    security: [{ bdmiSignature: [] }],
    paths: {
      "/v1/fees": {
        get: {
          summary: "The fee schedule in force",
          parameters: signedParams,
          responses: { "200": ok("The current schedule", json("FeeSchedule")), "401": errors["401"] },
        },
      },
      "/v1/subjects": {
        post: {
          summary: "Enrol the agency's roll (idempotent); evidence is kept only for enrolled subjects",
          parameters: signedParams,
          requestBody: { required: true, content: json("SubjectsRequest") },
          responses: { "200": ok("Enrolled", json("SubjectsResponse")), ...errors },
        },
      },
      "/v1/evidence/feeds": {
        post: {
          summary: `Load an evidence feed: JSON Lines of FeedItem, at most ${MAX_FEED_ITEMS} lines`,
          description: "A repeated feedId loads nothing and answers the first load's report with replayed=true.",
          parameters: [
            ...signedParams,
            { name: "feedId", in: "query", required: true, schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,100}$" } },
          ],
          requestBody: {
            required: true,
            content: { "application/x-ndjson": { schema: ref("FeedItem"), description: "one FeedItem per line" } },
          },
          responses: { "200": ok("The feed's report", json("FeedReport")), ...errors, "409": problem("The feed id belongs to another agency") },
        },
      },
      "/v1/assessments": {
        post: {
          summary: `Assess up to ${MAX_ASSESSMENT_BATCH} pensioners for a period and charge the fee once per idempotency key`,
          parameters: signedParams,
          requestBody: { required: true, content: json("AssessmentRequest") },
          responses: {
            "200": ok("Results, per-item errors and the fee charged", json("AssessmentResponse")),
            ...errors,
            "409": problem("The idempotency key was used with a different body"),
          },
        },
      },
      "/v1/faces": {
        post: {
          summary: "Enrol (or replace) a subject's reference face template from one JPEG photo with exactly one face",
          description: "The embedding is computed by the service and stored encrypted (AES-256-GCM); the photo is not kept.",
          parameters: signedParams,
          requestBody: { required: true, content: json("FaceEnrolRequest") },
          responses: {
            "200": ok("Enrolled", json("FaceEnrolResponse")),
            ...errors,
            "422": problem("The photo shows no face (no-face) or more than one (two-faces)"),
          },
        },
      },
      "/v1/liveness-checks": {
        post: {
          summary: "Decide a kiosk liveness check (pass, fail or review with reasons) and charge its fee once per idempotency key",
          description:
            "Faces, embeddings, liveness and anti-spoof scores are recomputed from the frames; the transcript is checked for human " +
            "timing; the match is the cosine similarity to the enrolled template. A pass records a 10/01 evidence item for the " +
            "period. Frames are never stored. A repeated idempotency key answers the first decision with replayed=true.",
          parameters: signedParams,
          requestBody: { required: true, content: json("LivenessRequest") },
          responses: {
            "200": ok("The decision, the scores and thresholds it used, and the fee", json("LivenessResponse")),
            ...errors,
            "404": problem("No reference face is enrolled for this person (no-template); nothing is charged"),
            "409": problem("The idempotency key was used with a different body"),
          },
        },
      },
      "/v1/openapi.json": { get: { summary: "This document (unsigned request)", security: [], responses: { "200": { description: "OpenAPI 3.1" } } } },
      "/healthz": { get: { summary: "Liveness (unsigned request)", security: [], responses: { "200": { description: "{ ok: true }" } } } },
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bdmiSignature: {
          type: "apiKey",
          in: "header",
          name: H.signature,
          description:
            `${SIGNATURE_VERSION}: the agency signs, with its Ed25519 key, the UTF-8 lines ` +
            `"${SIGNATURE_VERSION}", METHOD, path with query, ${H.timestamp}, ${H.nonce} and the body's SHA-256 (hex), joined by "\\n"; ` +
            `the signature goes base64 in ${H.signature}. The timestamp must be within ${MAX_SKEW_SECONDS} s of the service's clock and ` +
            `a nonce is accepted once. The service signs each response over "${SIGNATURE_VERSION}-RESPONSE", the status, the ` +
            `request's nonce, its own ${H.timestamp} and the response body's SHA-256, so a response is bound to its request.`,
        },
      },
      parameters: {
        [H.agency]: { name: H.agency, in: "header", required: true, schema: { type: "string" }, description: "The calling agency's id" },
        [H.timestamp]: { name: H.timestamp, in: "header", required: true, schema: { type: "string", pattern: "^\\d{1,12}$" }, description: "Unix seconds" },
        [H.nonce]: { name: H.nonce, in: "header", required: true, schema: { type: "string", pattern: "^[A-Za-z0-9_-]{16,64}$" }, description: "Single-use, base64url" },
        [H.contentSha256]: { name: H.contentSha256, in: "header", required: false, schema: { type: "string", pattern: "^[0-9a-f]{64}$" }, description: "SHA-256 of the body, hex" },
        [H.signature]: { name: H.signature, in: "header", required: true, schema: { type: "string" }, description: "Ed25519 signature, base64" },
      },
      headers: {
        [H.timestamp]: { schema: { type: "string" }, description: "Unix seconds at which the service signed the response" },
        [H.contentSha256]: { schema: { type: "string" }, description: "SHA-256 of the response body, hex" },
        [H.signature]: { schema: { type: "string" }, description: "The service's Ed25519 signature of the response, base64" },
      },
    },
  };
  cached = JSON.stringify(doc);
  return cached;
}
