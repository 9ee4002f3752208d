import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { assertAnAdminRemains, grantableRegionErrors, lockAdmins, lockManagedUser } from "./user-admin-rules";
import type { TUpdateUser } from "./user-schemas";

/**
 * Changes a staff account's name, role, regions or disabled state, within the admin's scope.
 * Disabling revokes its sessions in the same transaction; no change may leave the installation
 * without an enabled admin; an admin cannot disable her own account. One audit event with the
 * before and after of what changed.
 */
export async function updateUser(actor: TActor, userId: string, input: TUpdateUser): Promise<void> {
  if (input.disabled && userId === actor.userId) throw new AppError("CONFLICT", "You cannot disable your own account", { fieldErrors: [{ path: "body.disabled", message: "invalid" }] });
  await prisma().$transaction(async (tx) => {
    if (input.role !== undefined || input.disabled !== undefined) await lockAdmins(tx);
    const u = await lockManagedUser(tx, actor, userId);
    if (input.regions) {
      const errors = await grantableRegionErrors(tx, actor, input.regions, "body.regions");
      if (errors.length) throw AppError.validation(errors);
    }
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const data: { displayName?: string; role?: TUpdateUser["role"]; disabledAt?: Date | null } = {};
    if (input.name !== undefined && input.name !== u.displayName) {
      [before.name, after.name, data.displayName] = [true, true, input.name];
    }
    if (input.role !== undefined && input.role !== u.role) {
      [before.role, after.role, data.role] = [u.role, input.role, input.role];
    }
    if (input.disabled !== undefined && input.disabled !== !!u.disabledAt) {
      [before.disabled, after.disabled, data.disabledAt] = [!!u.disabledAt, input.disabled, input.disabled ? new Date() : null];
    }
    const regionsChanged = !!input.regions && [...input.regions].sort().join() !== [...u.regions].sort().join();
    if (regionsChanged) [before.regions, after.regions] = [u.regions, input.regions];
    if (!Object.keys(after).length) return;

    await tx.user.update({ where: { id: userId }, data });
    if (regionsChanged) {
      await tx.userRegion.deleteMany({ where: { userId } });
      await tx.userRegion.createMany({ data: input.regions!.map((regionCode) => ({ userId, regionCode })) });
    }
    if (data.role !== undefined || data.disabledAt) await assertAnAdminRemains(tx, data.role !== undefined ? "body.role" : "body.disabled");
    // A disabled account, or one whose powers changed, signs in again to get them.
    if (data.disabledAt || data.role !== undefined || regionsChanged) {
      await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    }
    const action = Object.keys(after).length === 1 && "disabled" in after ? (input.disabled ? "user.disable" : "user.enable") : "user.update";
    await recordAudit(tx, actor, { action, targetType: "user", targetId: userId, regionCode: u.regions[0], summary: { before, after } });
  });
}
