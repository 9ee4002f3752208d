import "server-only";
import QRCode from "qrcode";
import { env } from "../../env.js";
import { signCheckToken } from "../kiosk/check-token";

// The QR code printed on a check notice carries the kiosk's own check token (lib/server/kiosk/
// check-token.ts), which the kiosk reads with jsQR (components/kiosk/qr-scan.tsx) and posts to
// identify as { qrToken }. The matrix is drawn as vector squares, sharp at any printer resolution.

export type TQrMatrix = { size: number; dark: (row: number, col: number) => boolean };

/** The light margin around the modules, in modules (ISO/IEC 18004 asks for 4). */
export const QR_QUIET_MODULES = 4;

const DAY_MS = 86_400_000;

/**
 * When a notice's token stops working: the end (24:00 CST) of the last day of grace after the due
 * date. Until then the check is still open (the overdue sweep expires it after the grace period),
 * so a pensioner who comes late with the notice is still served.
 */
export function checkTokenExpiry(dueOn: string, graceDays = env.CASE_GRACE_DAYS): Date {
  return new Date(Date.parse(`${dueOn}T00:00:00+08:00`) + (graceDays + 1) * DAY_MS);
}

/** The token a check notice prints: the same signCheckToken the kiosk verifies. */
export function checkNoticeToken(c: { pensionerId: string; checkId: string; dueOn: string }): { token: string; expiresAt: Date } {
  const expiresAt = checkTokenExpiry(c.dueOn);
  return { token: signCheckToken({ pensionerId: c.pensionerId, checkId: c.checkId, exp: expiresAt }), expiresAt };
}

/** The QR module matrix of a text (error correction M: survives a crease or a smudge on paper). */
export function qrMatrix(text: string): TQrMatrix {
  // One byte-mode segment: the token is ASCII, and qrcode's search for an optimal mix of modes
  // (a shortest path over segment graphs) costs more than the whole page otherwise.
  const { modules } = QRCode.create([{ data: Buffer.from(text, "utf8"), mode: "byte" }], { errorCorrectionLevel: "M" });
  return { size: modules.size, dark: (r, c) => Boolean(modules.get(r, c)) };
}
