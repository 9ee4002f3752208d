import "server-only";
import { randomUUID } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { clientIp } from "../auth/client-ip";
import type { TActor } from "./actor";
import { AppError } from "./app-error";
import type { TApiTokenScope } from "./api-tokens/api-token-secrets";
import { authenticateApiToken, type TApiTokenPrincipal } from "./api-tokens/authenticate-api-token";
import { parseInput as parse, problem, unexpectedProblem, type TOut, type TSchemas } from "./problem-response";
import { requestLocale } from "./request-locale";

export type TApiTokenRouteContext<S extends TSchemas> = {
  request: NextRequest;
  token: TApiTokenPrincipal;
  actor: TActor;
  requestId: string;
  params: TOut<S, "params">;
  query: TOut<S, "query">;
};

/** Authorization: Bearer <token>, case-insensitive scheme (RFC 6750 §2.1). */
function bearer(request: NextRequest): string | null {
  const h = request.headers.get("authorization");
  const m = h?.match(/^Bearer\s+(\S+)\s*$/i);
  return m ? m[1]! : null;
}

/**
 * withRoute's twin for machine clients (the payment system): the caller presents an API token as
 * `Authorization: Bearer`, checked against api_tokens on every request (a revoked token gets 401
 * at once), must hold the route's scope (403 otherwise), and acts with the token's regions only.
 * Read-only: params and query are parsed, bodies are not. Errors are application/problem+json.
 */
export function withApiTokenRoute<S extends Omit<TSchemas, "body">>(opts: {
  scope: TApiTokenScope;
  schemas?: S;
  handler: (ctx: TApiTokenRouteContext<S>) => Promise<unknown>;
}) {
  return async (request: NextRequest, route: { params: Promise<Record<string, string>> }): Promise<Response> => {
    const requestId = request.headers.get("x-request-id") ?? randomUUID();
    const presented = bearer(request);
    try {
      if (!presented) throw new AppError("UNAUTHENTICATED", "An API token is required: send it as Authorization: Bearer <token>");
      const token = await authenticateApiToken(presented);
      if (!token) throw new AppError("UNAUTHENTICATED", "This API token is not valid, or it was revoked");
      if (!token.scopes.includes(opts.scope)) throw new AppError("FORBIDDEN", `This API token lacks the scope ${opts.scope}`);
      const s = opts.schemas ?? ({} as S);
      const params = parse(s.params, await route.params, "params");
      const query = parse(s.query, Object.fromEntries(request.nextUrl.searchParams), "query");
      const actor: TActor = { userId: token.id, role: "api", regions: token.regionCodes, requestId, ip: clientIp(request.headers) };
      const result = await opts.handler({ request, token, actor, requestId, params, query } as TApiTokenRouteContext<S>);
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? null, { headers: { "x-request-id": requestId, "cache-control": "no-store" } });
    } catch (e) {
      const locale = requestLocale(request);
      if (e instanceof AppError) {
        const res = problem(e, requestId, locale);
        // RFC 6750 §3: tell the client which bearer problem it has.
        if (e.code === "UNAUTHENTICATED") res.headers.set("www-authenticate", presented ? 'Bearer realm="api", error="invalid_token"' : 'Bearer realm="api"');
        if (e.code === "FORBIDDEN") res.headers.set("www-authenticate", `Bearer realm="api", error="insufficient_scope", scope="${opts.scope}"`);
        return res;
      }
      return unexpectedProblem(e, requestId, locale, { kind: "API token", path: request.nextUrl.pathname });
    }
  };
}
