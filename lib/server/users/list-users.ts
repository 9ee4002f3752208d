import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { scopeWhere } from "../regions/scope";

/** Staff whose regions lie inside the admin's regions. */
export async function listUsers(actor: TActor) {
  const rows = await prisma().user.findMany({
    where: { regions: { some: scopeWhere(actor.regions) } },
    select: { id: true, username: true, displayName: true, role: true, disabledAt: true, regions: { select: { regionCode: true } } },
    orderBy: { username: "asc" },
  });
  return rows.map((u) => ({ ...u, disabledAt: u.disabledAt?.toISOString() ?? null, regions: u.regions.map((r) => r.regionCode) }));
}
