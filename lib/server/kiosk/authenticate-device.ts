import "server-only";
import { createHash } from "node:crypto";
import { prisma } from "../../db/client";

export const KIOSK_TOKEN_COOKIE = "kiosk_device_token";

export type TKioskDevice = { id: string; regionCode: string; name: string };

/** The enrolled, unrevoked kiosk device holding this token, or null. Read on every request, so a revocation takes effect at once. */
export async function authenticateKioskDevice(token: string | undefined | null): Promise<TKioskDevice | null> {
  if (!token || token.length < 32 || token.length > 256) return null;
  const hash = createHash("sha256").update(token).digest();
  return prisma().kioskDevice.findFirst({
    where: { tokenHash: hash, revokedAt: null },
    select: { id: true, regionCode: true, name: true },
  });
}
