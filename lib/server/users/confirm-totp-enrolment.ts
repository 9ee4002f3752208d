import "server-only";
import { prisma } from "../../db/client";
import { checkTotp, newRecoveryCodes } from "../../auth/second-factor";
import { vmsg } from "../../i18n/validation";
import type { TSelfActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { recoveryCodeHash, sealTotpSecret, totpSecretOf } from "./second-factor-store";

/**
 * Confirms the pending authenticator with a first code: the secret becomes the account's second
 * factor (that code is spent), and ten new recovery codes replace any old ones. The codes are
 * returned once; only their keyed hashes are kept.
 */
export async function confirmTotpEnrolment(actor: TSelfActor, code: string): Promise<{ recoveryCodes: string[] }> {
  const u = await prisma().user.findUniqueOrThrow({ where: { id: actor.userId }, select: { totpPendingCipher: true, totpKeyVersion: true } });
  if (!u.totpPendingCipher || !u.totpKeyVersion) throw AppError.validation([{ path: "body.code", message: vmsg("notPending") }]);
  const secret = totpSecretOf(u.totpPendingCipher, u.totpKeyVersion);
  const step = await checkTotp(secret, code.trim(), null);
  if (step === null) throw AppError.validation([{ path: "body.code", message: vmsg("codeInvalid") }]);
  const codes = newRecoveryCodes();
  const sealed = sealTotpSecret(secret);
  await prisma().$transaction(async (tx) => {
    await tx.user.update({
      where: { id: actor.userId },
      data: { totpSecretCipher: sealed.cipher, totpKeyVersion: sealed.keyVersion, totpPendingCipher: null, totpEnabledAt: new Date(), totpLastStep: step },
    });
    await tx.recoveryCode.deleteMany({ where: { userId: actor.userId } });
    await tx.recoveryCode.createMany({ data: codes.map((c) => ({ userId: actor.userId, codeHash: recoveryCodeHash(c) })) });
    // This session proved the new factor; it counts as signed in with it.
    await tx.session.update({ where: { id: actor.sessionId }, data: { secondFactor: "totp" } });
    await recordAudit(tx, actor, { action: "account.secondFactorEnrol", targetType: "user", targetId: actor.userId, summary: { kind: "totp", recoveryCodes: codes.length } });
  });
  return { recoveryCodes: codes };
}
