import "server-only";
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
} from "cockatiel";
import type { z } from "zod";
import { bdmiUrl, env, required } from "../../env.js";
import {
  ZAssessmentResponse,
  ZFaceEnrolResponse,
  ZFeeSchedule,
  ZFeedReport,
  ZLivenessResponse,
  ZSubjectsResponse,
  type TAssessmentRequest,
  type TAssessmentResponse,
  type TFaceEnrolRequest,
  type TFaceEnrolResponse,
  type TFeeSchedule,
  type TFeedItem,
  type TFeedReport,
  type TLivenessRequest,
  type TLivenessResponse,
} from "../../bdmi/contract";
import { loadPrivateKey, loadPublicKey } from "../../bdmi/signing";
import { bdmiExchange, UnsignedResponseError, type TBdmiEndpoint, type TBdmiReply } from "../../bdmi/transport";
import { AppError } from "../app-error";
import { log } from "../log";

// The platform's only way to BDMI. Resilience follows architecture.md: a per-attempt timeout,
// retries with exponential backoff for transient failures, a circuit breaker so an outage is
// detected once rather than by every caller, and a bulkhead so BDMI never sees more concurrent
// calls than it was sized for. Whatever still fails surfaces as one AppError, BDMI_UNAVAILABLE,
// which callers turn into a pause or a queue, never into a half-written record.

/** An HTTP answer from BDMI that is not a success; 5xx and 429 are worth retrying. */
class BdmiHttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`BDMI answered ${status}: ${detail}`);
  }
}

function transient(e: unknown): boolean {
  if (e instanceof BdmiHttpError) return e.status >= 500 || e.status === 429;
  if (e instanceof UnsignedResponseError) return false;
  // fetch's network failures (connection refused, reset) and the timeout's cancellation.
  return e instanceof TypeError || e instanceof TaskCancelledError || (e instanceof Error && e.name === "AbortError");
}

export type TBdmiClientOptions = {
  timeoutMs?: number;
  retries?: number;
  concurrency?: number;
  breakerThreshold?: number;
  halfOpenAfterMs?: number;
};

export type TBdmiClient = ReturnType<typeof createBdmiClient>;

export function createBdmiClient(endpoint: TBdmiEndpoint, o: TBdmiClientOptions = {}) {
  const policy = wrap(
    bulkhead(o.concurrency ?? 8, 256),
    retry(handleWhen(transient), { maxAttempts: o.retries ?? 3, backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 5_000 }) }),
    circuitBreaker(handleWhen(transient), { halfOpenAfter: o.halfOpenAfterMs ?? 10_000, breaker: new ConsecutiveBreaker(o.breakerThreshold ?? 5) }),
    timeout(o.timeoutMs ?? 30_000, TimeoutStrategy.Aggressive),
  );

  async function call<T extends z.ZodType>(schema: T, req: Parameters<typeof bdmiExchange>[1]): Promise<z.output<T>> {
    let reply: TBdmiReply;
    try {
      reply = await policy.execute(async ({ signal }) => {
        const r = await bdmiExchange(endpoint, { ...req, signal });
        if (r.status >= 300) {
          let detail = r.body.toString("utf8").slice(0, 500);
          try {
            const p = r.json() as { title?: string; detail?: string };
            detail = p.detail ?? p.title ?? detail;
          } catch {
            /* not JSON: keep the text */
          }
          throw new BdmiHttpError(r.status, detail);
        }
        return r;
      });
    } catch (e) {
      const upstreamStatus = e instanceof BdmiHttpError ? e.status : undefined;
      const why =
        e instanceof BrokenCircuitError
          ? "circuit open after repeated failures"
          : e instanceof BulkheadRejectedError
            ? "too many concurrent calls"
            : e instanceof Error
              ? e.message
              : String(e);
      log.warn("bdmi call failed", { path: req.pathWithQuery, why, upstreamStatus });
      throw new AppError("BDMI_UNAVAILABLE", "The BDMI scoring service is unavailable; the work will resume when it is back", {
        logMessage: `BDMI ${req.method} ${req.pathWithQuery}: ${why}`,
        upstreamStatus,
        cause: e,
      });
    }
    const parsed = schema.safeParse(reply.json());
    if (!parsed.success) {
      throw new AppError("BDMI_UNAVAILABLE", "The BDMI scoring service sent an answer this platform does not understand", {
        logMessage: `BDMI ${req.pathWithQuery}: response does not match the v1 contract: ${parsed.error.message.slice(0, 500)}`,
        upstreamStatus: reply.status,
      });
    }
    return parsed.data;
  }

  return {
    endpoint,
    assess: (req: TAssessmentRequest): Promise<TAssessmentResponse> =>
      call(ZAssessmentResponse, { method: "POST", pathWithQuery: "/v1/assessments", body: JSON.stringify(req) }),
    fees: (): Promise<TFeeSchedule> => call(ZFeeSchedule, { method: "GET", pathWithQuery: "/v1/fees" }),
    enrolSubjects: (nationalIds: string[]) =>
      call(ZSubjectsResponse, { method: "POST", pathWithQuery: "/v1/subjects", body: JSON.stringify({ nationalIds }) }),
    /** A reference face from a photo; BDMI answers 422 for a photo without exactly one face. */
    enrolFace: (req: TFaceEnrolRequest): Promise<TFaceEnrolResponse> =>
      call(ZFaceEnrolResponse, { method: "POST", pathWithQuery: "/v1/faces", body: JSON.stringify(req) }),
    /** Loads evidence as one feed (JSON Lines); a repeated feedId loads nothing and answers the first report, so a retry is idempotent. */
    feedEvidence: (feedId: string, items: TFeedItem[]): Promise<TFeedReport> =>
      call(ZFeedReport, {
        method: "POST",
        pathWithQuery: `/v1/evidence/feeds?feedId=${encodeURIComponent(feedId)}`,
        body: items.map((i) => JSON.stringify(i)).join("\n") + "\n",
        contentType: "application/x-ndjson",
      }),
    /** Idempotent on req.idempotencyKey: a retry answers the first decision and is not charged again; 404 when no face is enrolled. */
    livenessCheck: (req: TLivenessRequest): Promise<TLivenessResponse> =>
      call(ZLivenessResponse, { method: "POST", pathWithQuery: "/v1/liveness-checks", body: JSON.stringify(req) }),
  };
}

/** The endpoint from configuration: BDMI_URL, the agency's signing key and the service's public key. */
export function configuredEndpoint(): TBdmiEndpoint {
  return {
    baseUrl: bdmiUrl(),
    agencyId: env.BDMI_AGENCY_ID,
    agencyKey: loadPrivateKey(required("BDMI_AGENCY_PRIVATE_KEY")),
    serviceKey: loadPublicKey(required("BDMI_SERVICE_PUBLIC_KEY")),
  };
}

let shared: TBdmiClient | undefined;

/** The process's client: one breaker and one bulkhead for every caller in this process. */
export function bdmiClient(): TBdmiClient {
  shared ??= createBdmiClient(configuredEndpoint(), { timeoutMs: env.BDMI_TIMEOUT_MS, retries: env.BDMI_RETRIES });
  return shared;
}

/** Tests and the benchmark point the process at a service they started themselves. */
export function useBdmiClient(client: TBdmiClient | undefined): void {
  shared = client;
}
