import "server-only";
import { env } from "../../env.js";
import type { TRole } from "../../auth/permissions";
import { normalizeRecoveryCode } from "../../auth/second-factor";
import { decryptPii, encryptPii, piiHmac } from "../pensioners/pii-crypto";

// How second-factor material is kept: the TOTP secret encrypted under the PII key (it must be
// read back to check codes), recovery codes only as keyed hashes (they are only compared).

export const sealTotpSecret = (secret: string) => encryptPii(`totp:${secret}`);

export function totpSecretOf(cipher: Uint8Array, keyVersion: number): string {
  const plain = decryptPii(cipher, keyVersion);
  if (!plain.startsWith("totp:")) throw new Error("not a TOTP secret");
  return plain.slice(5);
}

export const recoveryCodeHash = (code: string) => piiHmac(`recovery:${normalizeRecoveryCode(code)}`);

/** Supervisors and admins must have a second factor; officers when the bureau says so. */
export const secondFactorRequired = (role: TRole): boolean => role !== "officer" || env.TOTP_REQUIRED_FOR_OFFICERS === "1";
