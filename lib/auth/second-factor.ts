import { randomInt } from "node:crypto";
import { generate, generateSecret, generateURI, verify } from "otplib";

// TOTP per RFC 6238 with otplib (SHA-1, 6 digits, 30 s: what every authenticator app speaks).
// A code is accepted one step either side of now, and only for a step later than the last one
// accepted, so a code is good once.
export const TOTP_ISSUER = "GZ-HRSS Pension";
const TOLERANCE_SECONDS = 30;

export const newTotpSecret = (): string => generateSecret();

export const totpUri = (secret: string, label: string): string => generateURI({ issuer: TOTP_ISSUER, label, secret });

/** The time step a valid code belongs to, or null; `afterStep` refuses that step and earlier ones. */
export async function checkTotp(secret: string, token: string, afterStep: bigint | null, epochSeconds?: number): Promise<bigint | null> {
  if (!/^\d{6}$/.test(token)) return null;
  const r = await verify({
    secret,
    token,
    epochTolerance: TOLERANCE_SECONDS,
    ...(afterStep !== null ? { afterTimeStep: Number(afterStep) } : {}),
    ...(epochSeconds !== undefined ? { epoch: epochSeconds } : {}),
  }).catch(() => ({ valid: false as const }));
  return r.valid && "timeStep" in r ? BigInt(r.timeStep) : null;
}

/** The code for a moment (tests and the demo's code printer). */
export const totpCode = (secret: string, epochSeconds?: number): Promise<string> => generate({ secret, ...(epochSeconds !== undefined ? { epoch: epochSeconds } : {}) });

// Unambiguous characters (no 0/o, 1/l/i) for codes a person types from paper.
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const groups = (n: number, size: number) =>
  Array.from({ length: n }, () => Array.from({ length: size }, () => ALPHABET[randomInt(ALPHABET.length)]).join("")).join("-");

/** Ten single-use recovery codes, 5+5 characters (about 49 bits each). */
export const newRecoveryCodes = (): string[] => Array.from({ length: 10 }, () => groups(2, 5));

/** What a recovery code is stored and compared as: lower case, no spaces or dashes. */
export const normalizeRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, "");

export const looksLikeRecoveryCode = (code: string): boolean => /^[a-z2-9]{10}$/.test(normalizeRecoveryCode(code));

/** A one-time password an admin hands over: four groups of four, about 79 bits. */
export const newOneTimePassword = (): string => groups(4, 4);
