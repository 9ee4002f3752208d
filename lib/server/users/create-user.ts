import "server-only";
import { hash } from "@node-rs/argon2";
import { env } from "../../env.js";
import { prisma } from "../../db/client";
import { passwordProblems } from "../../auth/password-policy";
import { newOneTimePassword } from "../../auth/second-factor";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { grantableRegionErrors } from "./user-admin-rules";
import type { TCreateUser } from "./user-schemas";

export type TCreatedUser = { id: string; username: string; oneTimePassword: string | null; expiresAt: string | null };

/**
 * Creates a staff account inside the admin's scope. Without a password it gets a one-time password
 * (returned once, valid ONE_TIME_PASSWORD_HOURS) that must be replaced at the first sign-in; with
 * one (the first admin, from `npm run user:create`) that password must pass the policy.
 */
export async function createUser(actor: TActor, input: TCreateUser, opts: { password?: string } = {}): Promise<TCreatedUser> {
  const username = input.email;
  if (opts.password !== undefined) {
    const problems = passwordProblems(opts.password, { email: input.email, username, name: input.name });
    if (problems.length) throw AppError.validation(problems.map((message) => ({ path: "password", message })));
  }
  const oneTimePassword = opts.password === undefined ? newOneTimePassword() : null;
  const passwordHash = await hash(opts.password ?? oneTimePassword!);
  const expiresAt = oneTimePassword ? new Date(Date.now() + env.ONE_TIME_PASSWORD_HOURS * 3600_000) : null;
  return prisma().$transaction(async (tx) => {
    const regionErrors = await grantableRegionErrors(tx, actor, input.regions, "body.regions");
    if (regionErrors.length) throw AppError.validation(regionErrors);
    const taken = await tx.user.findFirst({ where: { OR: [{ username }, { email: input.email }] }, select: { id: true } });
    if (taken) throw new AppError("CONFLICT", "An account with this email already exists", { fieldErrors: [{ path: "body.email", message: vmsg("emailTaken") }] });
    const u = await tx.user.create({
      data: {
        username,
        email: input.email,
        displayName: input.name,
        role: input.role,
        passwordHash,
        mustChangePassword: !!oneTimePassword,
        passwordExpiresAt: expiresAt,
        createdBy: actor.userId,
        regions: { create: input.regions.map((regionCode) => ({ regionCode })) },
      },
      select: { id: true },
    });
    await recordAudit(tx, actor, {
      action: "user.create",
      targetType: "user",
      targetId: u.id,
      regionCode: input.regions[0],
      summary: { after: { role: input.role, regions: input.regions, oneTimePassword: !!oneTimePassword } },
    });
    return { id: u.id, username, oneTimePassword, expiresAt: expiresAt?.toISOString() ?? null };
  });
}
