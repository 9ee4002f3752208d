import "server-only";
import { prisma } from "../../db/client";
import type { TSelfActor } from "../actor";
import { accountKey } from "./sign-in";

export type TSignInFailure = { at: string; ip: string | null; kind: string };

/**
 * Failed sign-ins on the caller's account (last 30 days, newest first), and how many came since
 * this session's sign-in's predecessor, so she notices an attack on her account.
 */
export async function listOwnSignInFailures(actor: TSelfActor): Promise<{ failures: TSignInFailure[]; sincePreviousSignIn: number }> {
  const db = prisma();
  const u = await db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { username: true } });
  const key = accountKey(u.username);
  const current = await db.session.findUnique({ where: { id: actor.sessionId }, select: { createdAt: true } });
  const previous = current
    ? await db.session.findFirst({ where: { userId: actor.userId, createdAt: { lt: current.createdAt } }, orderBy: { createdAt: "desc" }, select: { createdAt: true } })
    : null;
  const [rows, sincePreviousSignIn] = await Promise.all([
    db.signInFailure.findMany({ where: { key }, orderBy: { at: "desc" }, take: 50, select: { at: true, ip: true, kind: true } }),
    db.signInFailure.count({ where: { key, at: { gt: previous?.createdAt ?? new Date(0), lte: current?.createdAt ?? new Date() } } }),
  ]);
  return { failures: rows.map((r) => ({ at: r.at.toISOString(), ip: r.ip, kind: r.kind })), sincePreviousSignIn };
}
