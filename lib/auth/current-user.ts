import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { prisma } from "../db/client";
import { auth } from "./config";
import type { TActor } from "../server/actor";
import { secondFactorRequired } from "../server/users/second-factor-store";
import { can, type TPermission, type TRole } from "./permissions";

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

/** The signed-in staff member, checked against the sessions table once per request (React cache). */
export const currentUser = cache(async (): Promise<TCurrentUser | null> => {
  const s = (await auth()) as { sid?: string } | null;
  if (!s?.sid) return null;
  const row = await prisma().session.findFirst({
    where: { id: s.sid, revokedAt: null, expiresAt: { gt: new Date() }, user: { disabledAt: null } },
    select: {
      id: true,
      user: {
        select: { id: true, username: true, displayName: true, role: true, mustChangePassword: true, totpEnabledAt: true, regions: { select: { regionCode: true } } },
      },
    },
  });
  if (!row) return null;
  const hasSecondFactor = !!row.user.totpEnabledAt;
  return {
    userId: row.user.id,
    sessionId: row.id,
    username: row.user.username,
    displayName: row.user.displayName,
    role: row.user.role,
    regions: row.user.regions.map((r) => r.regionCode),
    setup: row.user.mustChangePassword ? "password" : !hasSecondFactor && secondFactorRequired(row.user.role) ? "second_factor" : null,
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
