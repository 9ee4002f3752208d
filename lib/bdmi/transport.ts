import type { KeyObject } from "node:crypto";
import { H, signRequest, verifyResponse } from "./signing";

// One signed HTTP exchange with a BDMI service: sign the request, send it, verify the response's
// signature before anything reads its body. Resilience (timeouts, retries, breaker) is the
// client's business (lib/server/bdmi/bdmi-client.ts); this layer only speaks the protocol.

export type TBdmiEndpoint = {
  baseUrl: string;
  agencyId: string;
  agencyKey: KeyObject;
  serviceKey: KeyObject;
};

export type TBdmiReply = { status: number; contentType: string; body: Buffer; json: () => unknown };

/** Thrown for a response whose signature does not verify: it is never parsed or trusted. */
export class UnsignedResponseError extends Error {}

export async function bdmiExchange(
  ep: TBdmiEndpoint,
  req: { method: "GET" | "POST" | "PUT"; pathWithQuery: string; body?: string | Uint8Array; contentType?: string; signal?: AbortSignal },
): Promise<TBdmiReply> {
  const body = req.body ?? "";
  const headers = signRequest({ method: req.method, pathWithQuery: req.pathWithQuery, body, agencyId: ep.agencyId, key: ep.agencyKey });
  const res = await fetch(new URL(req.pathWithQuery, ep.baseUrl), {
    method: req.method,
    headers: { ...headers, ...(req.method === "GET" ? {} : { "content-type": req.contentType ?? "application/json" }), accept: "application/json" },
    body: req.method === "GET" ? undefined : typeof body === "string" ? body : Buffer.from(body),
    signal: req.signal,
  });
  const buf = Buffer.from(await res.arrayBuffer());
  try {
    verifyResponse({ status: res.status, requestNonce: headers[H.nonce]!, body: buf, header: (n) => res.headers.get(n), key: ep.serviceKey });
  } catch (e) {
    throw new UnsignedResponseError(`BDMI ${req.method} ${req.pathWithQuery} answered ${res.status} without a valid signature: ${(e as Error).message}`);
  }
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    body: buf,
    json: () => JSON.parse(buf.toString("utf8")),
  };
}
