import "server-only";
import type { TTx } from "../../db/client";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError, type TFieldError } from "../app-error";
import { inScope } from "../regions/scope";

// The rules of user administration: an admin acts only inside her own regions, on accounts that
// lie wholly inside them, and never leaves the installation without an enabled administrator.

/** Field errors for region scopes the admin may not grant (outside her scope, or unknown codes). */
export async function grantableRegionErrors(tx: TTx, actor: TActor, regions: string[], path: string): Promise<TFieldError[]> {
  const known = new Set((await tx.region.findMany({ where: { code: { in: regions } }, select: { code: true } })).map((r) => r.code));
  return regions.flatMap((code, i): TFieldError[] => {
    if (!inScope(code, actor.regions)) return [{ path: `${path}.${i}`, message: vmsg("regionOutOfScope") }];
    if (!known.has(code)) return [{ path: `${path}.${i}`, message: vmsg("regionUnknown") }];
    return [];
  });
}

/** The account, locked for update, if it lies wholly inside the admin's scope. */
export async function lockManagedUser(tx: TTx, actor: TActor, userId: string) {
  await tx.$executeRaw`select 1 from users where id = ${userId}::uuid for update`;
  const u = await tx.user.findUnique({
    where: { id: userId },
    select: { id: true, username: true, email: true, displayName: true, role: true, disabledAt: true, totpEnabledAt: true, regions: { select: { regionCode: true } } },
  });
  const regions = u?.regions.map((r) => r.regionCode) ?? [];
  if (!u || !regions.some((r) => inScope(r, actor.regions))) throw AppError.notFound("User");
  if (!regions.every((r) => inScope(r, actor.regions))) throw new AppError("FORBIDDEN", "This account has regions outside your scope; an administrator over all of them must change it");
  return { ...u, regions };
}

/** Serialises changes to who is an admin, then refuses one that leaves no enabled admin. */
export async function lockAdmins(tx: TTx): Promise<void> {
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtext('users.admins'))`;
}

export async function assertAnAdminRemains(tx: TTx, path: string): Promise<void> {
  const left = await tx.user.count({ where: { role: "admin", disabledAt: null } });
  if (left === 0) throw new AppError("CONFLICT", "This would leave no enabled administrator", { fieldErrors: [{ path, message: vmsg("lastAdmin") }] });
}
