import "server-only";
import { randomUUID } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { clientIp } from "../auth/client-ip";
import type { TActor } from "./actor";
import { AppError } from "./app-error";
import { authenticateKioskDevice, KIOSK_TOKEN_COOKIE, type TKioskDevice } from "./kiosk/authenticate-device";
import { parseInput as parse, problem, unexpectedProblem, type TOut, type TSchemas } from "./problem-response";
import { consumeLimits, type TLimit } from "./rate-limit";
import { assertRequestAllowed, MAX_JSON_BODY_BYTES, readJsonBody } from "./request-guard";
import { requestLocale } from "./request-locale";

export type TKioskRouteContext<S extends TSchemas> = {
  request: NextRequest;
  device: TKioskDevice | null;
  actor: TActor;
  requestId: string;
  params: TOut<S, "params">;
  query: TOut<S, "query">;
  body: TOut<S, "body">;
};

/**
 * withRoute's twin for kiosk routes: the caller is a device (cookie kiosk_device_token or header
 * x-kiosk-token), checked against kiosk_devices on every request, so a revoked device gets 401 at
 * once. `device: "none"` is for the one route a device calls before it has a token (enrol).
 * The same request rules as withRoute: 403 from another site, 415 unless JSON, and 413 for a body
 * over maxBodyBytes (default MAX_JSON_BODY_BYTES), counted as it streams in.
 */
export function withKioskRoute<S extends TSchemas>(opts: {
  device?: "required" | "none";
  schemas?: S;
  maxBodyBytes?: number;
  /** Requests allowed per device and per client address in a window (429 past them). */
  rateLimit?: { name: string; perDevice?: TLimit; perIp: TLimit };
  status?: number;
  handler: (ctx: TKioskRouteContext<S>) => Promise<unknown>;
}) {
  return async (request: NextRequest, route: { params: Promise<Record<string, string>> }): Promise<Response> => {
    const requestId = request.headers.get("x-request-id") ?? randomUUID();
    try {
      assertRequestAllowed(request);
      let device: TKioskDevice | null = null;
      if ((opts.device ?? "required") === "required") {
        const token = request.cookies.get(KIOSK_TOKEN_COOKIE)?.value ?? request.headers.get("x-kiosk-token");
        device = await authenticateKioskDevice(token);
        if (!device) throw new AppError("UNAUTHENTICATED", "This kiosk is not enrolled, or its enrolment was revoked");
      }
      const ip = clientIp(request.headers);
      if (opts.rateLimit) {
        const { name, perDevice, perIp } = opts.rateLimit;
        await consumeLimits([
          ...(perDevice ? [{ name: `${name}:device`, key: device?.id ?? null, limit: perDevice }] : []),
          { name: `${name}:ip`, key: ip ?? "unknown", limit: perIp },
        ]);
      }
      const s = opts.schemas ?? ({} as S);
      const params = parse(s.params, await route.params, "params");
      const query = parse(s.query, Object.fromEntries(request.nextUrl.searchParams), "query");
      let body: unknown;
      if (s.body) body = parse(s.body, await readJsonBody(request, opts.maxBodyBytes ?? MAX_JSON_BODY_BYTES), "body");
      const actor: TActor = device
        ? { userId: device.id, role: "kiosk", regions: [device.regionCode], requestId, ip }
        : { userId: null, role: "anonymous", regions: [], requestId, ip };
      const result = await opts.handler({ request, device, actor, requestId, params, query, body } as TKioskRouteContext<S>);
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? null, { status: opts.status ?? 200, headers: { "x-request-id": requestId, "cache-control": "no-store" } });
    } catch (e) {
      const locale = requestLocale(request);
      if (e instanceof AppError) return problem(e, requestId, locale);
      return unexpectedProblem(e, requestId, locale, { kind: "kiosk", path: request.nextUrl.pathname });
    }
  };
}
