import "server-only";
import { vmsg } from "../i18n/validation";
import { AppError } from "./app-error";

// What every route wrapper (withRoute, withKioskRoute) checks before a handler runs: a state-changing
// request comes from this site's own pages (or from no browser at all), says it is JSON, and its
// body is read with a cap. Browsers cannot send Content-Type: application/json to another origin
// without a CORS preflight we never answer, and they always name the page's origin on a POST, so a
// foreign page can neither post a form into a staff session nor script one.

/** The most a JSON body may weigh unless a route says otherwise (a kiosk submission's frames do). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isStateChanging(method: string): boolean {
  return STATE_CHANGING.has(method.toUpperCase());
}

function first(value: string | null): string | null {
  const v = value?.split(",")[0]?.trim();
  return v ? v : null;
}

/**
 * The host this request was addressed to: the reverse proxy's X-Forwarded-Host, else Host. Neither
 * can be set by a foreign page (a custom header needs a preflight; Host is the browser's own).
 */
function ownHost(headers: Headers): string | null {
  const host = first(headers.get("x-forwarded-host")) ?? first(headers.get("host"));
  if (!host) return null;
  try {
    // Normalised as an origin's host is: lower case, default port dropped.
    return new URL(`http://${host}`).host;
  } catch {
    return null;
  }
}

function foreign(header: string): AppError {
  return new AppError("FORBIDDEN", "This request came from another site and was refused", {
    fieldErrors: [{ path: `headers.${header}`, message: vmsg("foreignOrigin") }],
  });
}

/**
 * Refuses a state-changing request that a browser says comes from elsewhere: Sec-Fetch-Site
 * cross-site, or an Origin that is not this host (an opaque `null` origin included). A request with
 * no Origin at all is let through: browsers always send one on POST, PUT, PATCH and DELETE (Fetch
 * standard, "append a request Origin header"), so only non-browser clients (scripts, the tests,
 * the payment system's API token client) omit it, and those carry no ambient cookie of a victim.
 */
export function assertSameOrigin(request: Request): void {
  if (!isStateChanging(request.method)) return;
  if (request.headers.get("sec-fetch-site")?.toLowerCase() === "cross-site") throw foreign("sec-fetch-site");
  const origin = request.headers.get("origin");
  if (origin === null) return;
  let originHost: string | null = null;
  try {
    const u = new URL(origin);
    if (u.protocol === "http:" || u.protocol === "https:") originHost = u.host;
  } catch {
    originHost = null;
  }
  const host = ownHost(request.headers);
  if (!originHost || !host || originHost !== host) throw foreign("origin");
}

/** 415 unless the request says its body is JSON (any parameters, e.g. charset, allowed). */
export function assertJsonContentType(request: Request): void {
  if (!isStateChanging(request.method)) return;
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the request body as JSON (Content-Type: application/json)", {
      fieldErrors: [{ path: "body", message: vmsg("contentTypeJson") }],
    });
  }
}

export function tooLarge(maxBytes: number, path = "body"): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", "The request is too large", { fieldErrors: [{ path, message: vmsg("tooBig", { max: maxBytes }) }] });
}

/**
 * The body's bytes, at most maxBytes of them. A declared Content-Length over the cap is refused
 * before a byte is read; otherwise the bytes are counted as they stream in, so a body sent chunked
 * (no Content-Length) or with a Content-Length that lies stops at the cap too.
 */
export async function readBodyCapped(request: Request, maxBytes: number, refuse: () => AppError = () => tooLarge(maxBytes)): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw refuse();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw refuse();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** The body parsed as JSON (UTF-8, a BOM dropped, as Request.json() does), read with readBodyCapped's cap. */
export async function readJsonBody(request: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const bytes = await readBodyCapped(request, maxBytes);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw AppError.validation([{ path: "body", message: vmsg("invalidJson") }]);
  }
}

/**
 * The checks every wrapper makes before it authenticates: same origin for state-changing requests,
 * and JSON for their bodies unless the route streams its own (uploads: a CSV, a photo).
 */
export function assertRequestAllowed(request: Request, o: { rawBody?: boolean } = {}): void {
  assertSameOrigin(request);
  if (!o.rawBody) assertJsonContentType(request);
}
