import "server-only";
import { prisma } from "../../db/client";
import type { TSelfActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";

export type TOwnSession = { id: string; createdAt: string; expiresAt: string; ip: string | null; userAgent: string | null; secondFactor: string | null; current: boolean };

/** The caller's open sessions, newest first, this one marked. */
export async function listOwnSessions(actor: TSelfActor): Promise<TOwnSession[]> {
  const rows = await prisma().session.findMany({
    where: { userId: actor.userId, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, createdAt: true, expiresAt: true, ip: true, userAgent: true, secondFactor: true },
    orderBy: { createdAt: "desc" },
    take: 100,
  });
  return rows.map((s) => ({ ...s, createdAt: s.createdAt.toISOString(), expiresAt: s.expiresAt.toISOString(), current: s.id === actor.sessionId }));
}

/** Signs the caller out of one other session, or (no id) of every session but this one. */
export async function revokeOwnSessions(actor: TSelfActor, sessionId?: string): Promise<{ revoked: number }> {
  if (sessionId === actor.sessionId) throw new AppError("CONFLICT", "Use Sign out to end this session");
  return prisma().$transaction(async (tx) => {
    const r = await tx.session.updateMany({
      where: { userId: actor.userId, revokedAt: null, ...(sessionId ? { id: sessionId } : { id: { not: actor.sessionId } }) },
      data: { revokedAt: new Date() },
    });
    if (sessionId && r.count === 0) throw AppError.notFound("Session");
    await recordAudit(tx, actor, { action: "account.signOutOthers", targetType: "session", targetId: sessionId ?? null, summary: { revoked: r.count } });
    return { revoked: r.count };
  });
}
