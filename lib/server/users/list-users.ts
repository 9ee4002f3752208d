import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { inScope, scopeWhere } from "../regions/scope";

export type TUserRow = {
  id: string;
  username: string;
  email: string | null;
  displayName: string;
  role: "officer" | "supervisor" | "admin";
  disabledAt: string | null;
  regions: string[];
  secondFactor: boolean;
  mustChangePassword: boolean;
  lastSignInAt: string | null;
  /** Whether every region lies inside the admin's scope, so she may change the account. */
  manageable: boolean;
};

/** Staff with a region inside the admin's regions, a page at a time, optionally filtered by name or email. */
export async function listUsers(actor: TActor, q: { search?: string; page?: number; pageSize?: number } = {}): Promise<{ users: TUserRow[]; total: number; page: number; pageSize: number }> {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 50;
  const search = q.search?.trim();
  const where = {
    regions: { some: scopeWhere(actor.regions) },
    ...(search ? { OR: [{ username: { contains: search, mode: "insensitive" as const } }, { email: { contains: search, mode: "insensitive" as const } }, { displayName: { contains: search } }] } : {}),
  };
  const [rows, total] = await Promise.all([
    prisma().user.findMany({
      where,
      select: {
        id: true, username: true, email: true, displayName: true, role: true, disabledAt: true, totpEnabledAt: true, mustChangePassword: true,
        regions: { select: { regionCode: true } },
        sessions: { select: { createdAt: true }, orderBy: { createdAt: "desc" }, take: 1 },
      },
      orderBy: { username: "asc" },
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
    prisma().user.count({ where }),
  ]);
  const users = rows.map((u) => {
    const regions = u.regions.map((r) => r.regionCode).sort();
    return {
      id: u.id,
      username: u.username,
      email: u.email,
      displayName: u.displayName,
      role: u.role,
      disabledAt: u.disabledAt?.toISOString() ?? null,
      regions,
      secondFactor: !!u.totpEnabledAt,
      mustChangePassword: u.mustChangePassword,
      lastSignInAt: u.sessions[0]?.createdAt.toISOString() ?? null,
      manageable: regions.every((r) => inScope(r, actor.regions)),
    };
  });
  return { users, total, page, pageSize };
}
