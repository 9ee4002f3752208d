import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { scopeWhere } from "../regions/scope";

export type TAuditView = {
  id: string;
  at: string;
  actorName: string | null;
  actorRole: string;
  action: string;
  summary: unknown;
  requestId: string | null;
};

/** The audit events of one pensioner of the caller's regions, newest first. */
export async function listPensionerAuditEvents(actor: TActor, pensionerId: string, page: number, pageSize: number) {
  const db = prisma();
  const p = await db.pensioner.findFirst({ where: { id: pensionerId, ...scopeWhere(actor.regions) }, select: { id: true } });
  if (!p) throw AppError.notFound("Pensioner");
  const where = { targetType: "pensioner", targetId: pensionerId };
  const [rows, total] = await Promise.all([
    db.auditEvent.findMany({ where, orderBy: { id: "desc" }, skip: (page - 1) * pageSize, take: pageSize }),
    db.auditEvent.count({ where }),
  ]);
  const actorIds = [...new Set(rows.map((r) => r.actorId).filter((x): x is string => !!x))];
  const users = await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, displayName: true } });
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const items: TAuditView[] = rows.map((r) => ({
    id: r.id.toString(),
    at: r.at.toISOString(),
    actorName: r.actorId ? (names.get(r.actorId) ?? null) : null,
    actorRole: r.actorRole,
    action: r.action,
    summary: r.summary,
    requestId: r.requestId,
  }));
  return { items, total, page, pageSize };
}
