import "server-only";
import { randomUUID } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { clientIp } from "../auth/client-ip";
import { currentUser, type TCurrentUser } from "../auth/current-user";
import { can, type TPermission } from "../auth/permissions";
import type { TActor, TSelfActor } from "./actor";
import { AppError } from "./app-error";
import { parseInput as parse, problem, unexpectedProblem, type TOut, type TSchemas } from "./problem-response";
import { assertRequestAllowed, MAX_JSON_BODY_BYTES, readJsonBody } from "./request-guard";
import { requestLocale } from "./request-locale";

export { problem };

export type TRouteContext<S extends TSchemas> = {
  request: NextRequest;
  user: TCurrentUser;
  actor: TActor;
  requestId: string;
  params: TOut<S, "params">;
  query: TOut<S, "query">;
  body: TOut<S, "body">;
};

/**
 * The declarative route wrapper (formbricks' api-wrapper): refuses a state-changing request from
 * another site (403) or one that is not JSON (415, except rawBody uploads), authenticates, checks
 * the permission, parses params, query and the JSON body (at most maxBodyBytes, 413 past it) with
 * zod, threads a request id, and turns every error into application/problem+json. Handlers return
 * data (sent as JSON) or a Response.
 */
export function withRoute<S extends TSchemas>(opts: {
  permission: TPermission;
  schemas?: S;
  /** Leave the body unread (streamed uploads): no JSON content type is required, and no cap applies here. */
  rawBody?: boolean;
  /** Default MAX_JSON_BODY_BYTES. */
  maxBodyBytes?: number;
  status?: number;
  /** Open to an account that still owes set-up (its own password and second-factor routes). */
  setup?: boolean;
  handler: (ctx: TRouteContext<S>) => Promise<unknown>;
}) {
  return async (request: NextRequest, route: { params: Promise<Record<string, string>> }): Promise<Response> => {
    const requestId = request.headers.get("x-request-id") ?? randomUUID();
    try {
      assertRequestAllowed(request, { rawBody: opts.rawBody });
      const user = await currentUser();
      if (!user) throw new AppError("UNAUTHENTICATED", "Sign in to continue");
      if (user.setup && !opts.setup) {
        throw new AppError("SETUP_REQUIRED", user.setup === "password" ? "Set your own password first (/setup)" : "Enrol a second factor first (/setup)");
      }
      if (!can(user.role, opts.permission)) throw new AppError("FORBIDDEN", "You do not have permission for this action");
      const s = opts.schemas ?? ({} as S);
      const params = parse(s.params, await route.params, "params");
      const query = parse(s.query, Object.fromEntries(request.nextUrl.searchParams), "query");
      let body: unknown;
      if (s.body && !opts.rawBody) body = parse(s.body, await readJsonBody(request, opts.maxBodyBytes ?? MAX_JSON_BODY_BYTES), "body");
      const actor: TActor = { userId: user.userId, role: user.role, regions: user.regions, requestId, ip: clientIp(request.headers) };
      const result = await opts.handler({ request, user, actor, requestId, params, query, body } as TRouteContext<S>);
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? null, { status: opts.status ?? 200, headers: { "x-request-id": requestId } });
    } catch (e) {
      const locale = requestLocale(request);
      if (e instanceof AppError) return problem(e, requestId, locale);
      return unexpectedProblem(e, requestId, locale, { kind: "staff", path: request.nextUrl.pathname });
    }
  };
}

/** The route's caller acting on her own account (account routes). */
export function selfOf(ctx: { actor: TActor; user: TCurrentUser }): TSelfActor {
  return { ...ctx.actor, userId: ctx.user.userId, sessionId: ctx.user.sessionId };
}
