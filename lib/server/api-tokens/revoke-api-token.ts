import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { inScope } from "../regions/scope";
import { apiTokenView, type TApiTokenView } from "./api-token-view";

/**
 * Revokes a token whose regions all lie in the admin's scope: its next request gets 401. The
 * revocation and its audit event commit together; revoking a revoked token changes nothing.
 */
export async function revokeApiToken(actor: TActor, tokenId: string): Promise<TApiTokenView> {
  return prisma().$transaction(async (tx) => {
    const select = { id: true, name: true, scopes: true, regionCodes: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;
    // FOR UPDATE: two admins revoking at once write one revocation and one audit event.
    await tx.$executeRaw`select 1 from api_tokens where id = ${tokenId}::uuid for update`;
    const t = await tx.apiToken.findUnique({ where: { id: tokenId }, select });
    if (!t || !t.regionCodes.every((c) => inScope(c, actor.regions))) throw AppError.notFound("API token");
    if (t.revokedAt) return apiTokenView(t);
    const updated = await tx.apiToken.update({ where: { id: t.id }, data: { revokedAt: new Date() }, select });
    await recordAudit(tx, actor, {
      action: "api_token.revoke",
      targetType: "api_token",
      targetId: t.id,
      regionCode: t.regionCodes.length === 1 ? t.regionCodes[0] : null,
      summary: { name: t.name, scopes: t.scopes, regionCodes: t.regionCodes, lastUsedAt: t.lastUsedAt?.toISOString() ?? null },
    });
    return apiTokenView(updated);
  });
}
