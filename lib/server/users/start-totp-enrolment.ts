import "server-only";
import QRCode from "qrcode";
import { prisma } from "../../db/client";
import { newTotpSecret, totpUri } from "../../auth/second-factor";
import type { TSelfActor } from "../actor";
import { sealTotpSecret } from "./second-factor-store";

/**
 * Starts enrolling an authenticator app: a fresh secret kept pending (encrypted) until a first code
 * confirms it, shown as a QR code and as text for typing in. Starting again replaces the pending one;
 * an enrolled factor stays in force until the new one is confirmed.
 */
export async function startTotpEnrolment(actor: TSelfActor): Promise<{ secret: string; uri: string; qrSvg: string }> {
  const u = await prisma().user.findUniqueOrThrow({ where: { id: actor.userId }, select: { username: true, email: true } });
  const secret = newTotpSecret();
  const uri = totpUri(secret, u.email ?? u.username);
  const sealed = sealTotpSecret(secret);
  await prisma().user.update({ where: { id: actor.userId }, data: { totpPendingCipher: sealed.cipher, totpKeyVersion: sealed.keyVersion } });
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { secret, uri, qrSvg };
}
