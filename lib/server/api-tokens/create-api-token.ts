import "server-only";
import { z } from "zod";
import { prisma } from "../../db/client";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { inScope } from "../regions/scope";
import { API_TOKEN_SCOPES, hashApiToken, newApiToken } from "./api-token-secrets";
import { apiTokenView, type TApiTokenView } from "./api-token-view";

export const ZApiTokenCreate = z.object({
  name: z.string().trim().min(1, { message: vmsg("required") }).max(80, { message: vmsg("tooLong", { max: 80 }) }),
  regionCodes: z
    .array(z.string().regex(/^\d{2,6}$/, { message: vmsg("regionCode") }))
    .min(1, { message: vmsg("required") })
    .max(200),
  scopes: z.array(z.enum(API_TOKEN_SCOPES, { message: vmsg("invalid") })).min(1, { message: vmsg("required") }),
});
export type TApiTokenCreate = z.output<typeof ZApiTokenCreate>;

/** Drops codes a broader one already covers (52 covers 5201) and sorts the rest. */
function normaliseRegions(codes: string[]): string[] {
  const unique = [...new Set(codes)].sort();
  return unique.filter((c) => !unique.some((o) => o !== c && c.startsWith(o)));
}

/**
 * Issues an API token for regions inside the admin's own scope. The token is returned once, here;
 * only its SHA-256 is stored, and the token and its audit event commit together.
 */
export async function createApiToken(actor: TActor, input: TApiTokenCreate): Promise<{ token: string; apiToken: TApiTokenView }> {
  const outside = input.regionCodes.findIndex((c) => !inScope(c, actor.regions));
  if (outside >= 0) throw AppError.validation([{ path: `body.regionCodes.${outside}`, message: vmsg("regionOutOfScope") }]);
  const regionCodes = normaliseRegions(input.regionCodes);
  const known = await prisma().region.findMany({ where: { code: { in: regionCodes } }, select: { code: true } });
  const unknown = regionCodes.find((c) => !known.some((k) => k.code === c));
  if (unknown) throw AppError.validation([{ path: `body.regionCodes.${input.regionCodes.indexOf(unknown)}`, message: vmsg("regionUnknown") }]);
  const scopes = [...new Set(input.scopes)].sort();

  const token = newApiToken();
  const row = await prisma().$transaction(async (tx) => {
    const t = await tx.apiToken.create({
      data: { name: input.name, tokenHash: hashApiToken(token), scopes, regionCodes, createdBy: actor.userId },
      select: { id: true, name: true, scopes: true, regionCodes: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    });
    await recordAudit(tx, actor, {
      action: "api_token.create",
      targetType: "api_token",
      targetId: t.id,
      regionCode: regionCodes.length === 1 ? regionCodes[0] : null,
      summary: { name: t.name, scopes, regionCodes },
    });
    return t;
  });
  return { token, apiToken: apiTokenView(row) };
}
