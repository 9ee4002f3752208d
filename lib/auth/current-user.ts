import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { env } from "../env.js";
import { pool } from "../db/client";
import type { TActor } from "../server/actor";
import { isUuid } from "../server/schemas";
import { secondFactorRequired } from "../server/users/second-factor-store";
import { can, type TPermission, type TRole } from "./permissions";
import { sessionIdFromCookies } from "./session-token";

export type TCurrentUser = {
  userId: string;
  sessionId: string;
  username: string;
  displayName: string;
  role: TRole;
  regions: string[];
  /** Set-up the account still owes before any other page: a new password, then a second factor. */
  setup: "password" | "second_factor" | null;
  hasSecondFactor: boolean;
};

type TSessionRow = {
  session_id: string;
  user_id: string;
  username: string;
  display_name: string;
  role: TRole;
  must_change_password: boolean;
  totp_enabled_at: Date | null;
  regions: string[];
};

/**
 * The signed-in staff member, checked against the sessions table once per request (React cache):
 * the session cookie decoded as Auth.js's auth() does (session-token.ts), then one query for the
 * session, its user and her regions (Prisma's nested select took three round trips).
 */
export const currentUser = cache(async (): Promise<TCurrentUser | null> => {
  const [c, h] = await Promise.all([cookies(), headers()]);
  // Auth.js picks the cookie by the protocol it sees: X-Forwarded-Proto, else https (createActionURL).
  const https = (h.get("x-forwarded-proto") ?? "https").replace(/:$/, "") === "https";
  const sid = await sessionIdFromCookies(c, https, env.AUTH_SECRET);
  if (!sid || !isUuid(sid)) return null;
  const { rows } = await pool().query<TSessionRow>(
    `select s.id::text as session_id, u.id::text as user_id, u.username, u.display_name, u.role::text as role, u.must_change_password, u.totp_enabled_at,
       coalesce((select array_agg(r.region_code order by r.region_code) from user_regions r where r.user_id = u.id), '{}') as regions
     from sessions s join users u on u.id = s.user_id
     where s.id = $1::uuid and s.revoked_at is null and s.expires_at > now() and u.disabled_at is null`,
    [sid],
  );
  const row = rows[0];
  if (!row) return null;
  const hasSecondFactor = !!row.totp_enabled_at;
  return {
    userId: row.user_id,
    sessionId: row.session_id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    regions: row.regions,
    setup: row.must_change_password ? "password" : !hasSecondFactor && secondFactorRequired(row.role) ? "second_factor" : null,
    hasSecondFactor,
  };
});

/** A signed-in user who still owes set-up (a new password, a second factor) does that first. */
export async function requireSignedIn(): Promise<TCurrentUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  if (user.setup) redirect("/setup");
  return user;
}

/** Page guard: signs the visitor in, or shows 403 when the role lacks the permission. */
export async function requirePagePermission(permission: TPermission): Promise<TCurrentUser> {
  const user = await requireSignedIn();
  if (!can(user.role, permission)) redirect("/forbidden");
  return user;
}

/** The actor a page passes to use cases (no request id: pages only read). */
export function actorOf(user: TCurrentUser): TActor {
  return { userId: user.userId, role: user.role, regions: user.regions, requestId: null, ip: null };
}
