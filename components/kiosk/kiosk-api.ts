import {
  ZKioskChallenge,
  ZKioskIdentified,
  ZKioskResult,
  type TChallengeStep,
} from "@/lib/domain/kiosk-contract";
import type { z } from "zod";

// The kiosk page's side of lib/domain/kiosk-contract.ts. Every failure becomes one of a few kinds
// the page turns into kind words; a response that does not parse is a failure, never a pass.

export type TKioskErrorKind = "not-found" | "invalid" | "revoked" | "expired" | "busy" | "service" | "network" | "generic";

export class KioskApiError extends Error {
  constructor(readonly kind: TKioskErrorKind, readonly status?: number, readonly code?: string) {
    super(`kiosk api: ${kind}${status ? ` (${status})` : ""}`);
  }
}

function kindOf(status: number): TKioskErrorKind {
  if (status === 401 || status === 403) return "revoked";
  if (status === 404) return "not-found";
  if (status === 400 || status === 413 || status === 415 || status === 422) return "invalid";
  if (status === 409 || status === 410) return "expired";
  if (status === 429) return "busy";
  if (status >= 500) return "service";
  return "generic";
}

async function post<T>(url: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin" });
  } catch {
    throw new KioskApiError("network");
  }
  if (!res.ok) {
    const problem = (await res.json().catch(() => null)) as { code?: unknown } | null;
    const code = typeof problem?.code === "string" ? problem.code : undefined;
    // A check that BDMI could not decide (its service down, or killed mid-try) is the service's failure, whatever the status.
    throw new KioskApiError(code === "BDMI_UNAVAILABLE" || code === "SERVICE_UNAVAILABLE" ? "service" : kindOf(res.status), res.status, code);
  }
  const parsed = schema.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new KioskApiError("generic", res.status);
  return parsed.data;
}

export const identifyById = (nationalId: string) => post("/api/v1/kiosk/identify", { nationalId }, ZKioskIdentified);
export const identifyByQr = (qrToken: string) => post("/api/v1/kiosk/identify", { qrToken }, ZKioskIdentified);
export const startCheck = (checkId: string, locale: "zh-CN" | "en") =>
  post(`/api/v1/kiosk/checks/${encodeURIComponent(checkId)}/start`, { consent: true, locale }, ZKioskChallenge);

export type TSubmission = {
  challengeId: string;
  transcript: { step: TChallengeStep; atMs: number }[];
  liveness: number;
  antispoof: number;
  embedding: number[];
  frames: string[];
};
export const submitCheck = (checkId: string, s: TSubmission) => post(`/api/v1/kiosk/checks/${encodeURIComponent(checkId)}/submit`, s, ZKioskResult);
