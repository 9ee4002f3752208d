import "server-only";
import { z } from "zod";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { scopeWhere } from "../regions/scope";
import { ZPage } from "../schemas";

export const ZDeviceQuery = ZPage.extend({ pageSize: z.coerce.number().int().min(1).max(200).default(25) });
export type TDeviceQuery = z.output<typeof ZDeviceQuery>;

export type TDeviceView = {
  id: string;
  regionCode: string;
  name: string;
  location: string;
  state: "awaiting-code" | "code-expired" | "active" | "revoked";
  codeExpiresAt: string | null;
  enrolledAt: string | null;
  lastSeenAt: string | null;
  revokedAt: string | null;
  createdAt: string;
};

/** Kiosk devices in the admin's regions, newest first, a page at a time; never a code or a token. */
export async function listKioskDevices(actor: TActor, q: TDeviceQuery): Promise<{ items: TDeviceView[]; total: number; page: number; pageSize: number }> {
  const where = scopeWhere(actor.regions);
  const [rows, total] = await Promise.all([
    prisma().kioskDevice.findMany({
      where,
      select: { id: true, regionCode: true, name: true, location: true, codeExpiresAt: true, enrolledAt: true, lastSeenAt: true, revokedAt: true, createdAt: true, tokenHash: true },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    prisma().kioskDevice.count({ where }),
  ]);
  const now = Date.now();
  const items = rows.map((d) => ({
    id: d.id,
    regionCode: d.regionCode,
    name: d.name,
    location: d.location,
    state: (d.revokedAt ? "revoked" : d.tokenHash ? "active" : d.codeExpiresAt && d.codeExpiresAt.getTime() > now ? "awaiting-code" : "code-expired") as TDeviceView["state"],
    codeExpiresAt: d.codeExpiresAt?.toISOString() ?? null,
    enrolledAt: d.enrolledAt?.toISOString() ?? null,
    lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
    revokedAt: d.revokedAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  }));
  return { items, total, page: q.page, pageSize: q.pageSize };
}
