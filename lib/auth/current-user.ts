import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { prisma } from "../db/client";
import { auth } from "./config";
import type { TActor } from "../server/actor";
import { can, type TPermission, type TRole } from "./permissions";

export type TCurrentUser = {
  userId: string;
  sessionId: string;
  username: string;
  displayName: string;
  role: TRole;
  regions: string[];
};

/** The signed-in staff member, checked against the sessions table once per request (React cache). */
export const currentUser = cache(async (): Promise<TCurrentUser | null> => {
  const s = (await auth()) as { sid?: string } | null;
  if (!s?.sid) return null;
  const row = await prisma().session.findFirst({
    where: { id: s.sid, revokedAt: null, expiresAt: { gt: new Date() }, user: { disabledAt: null } },
    select: {
      id: true,
      user: { select: { id: true, username: true, displayName: true, role: true, regions: { select: { regionCode: true } } } },
    },
  });
  if (!row) return null;
  return {
    userId: row.user.id,
    sessionId: row.id,
    username: row.user.username,
    displayName: row.user.displayName,
    role: row.user.role,
    regions: row.user.regions.map((r) => r.regionCode),
  };
});

/** Page guard: signs the visitor in, or shows 403 when the role lacks the permission. */
export async function requirePagePermission(permission: TPermission): Promise<TCurrentUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  if (!can(user.role, permission)) redirect("/forbidden");
  return user;
}

/** The actor a page passes to use cases (no request id: pages only read). */
export function actorOf(user: TCurrentUser): TActor {
  return { userId: user.userId, role: user.role, regions: user.regions, requestId: null, ip: null };
}
