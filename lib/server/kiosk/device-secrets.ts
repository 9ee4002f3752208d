import "server-only";
import { createHash, randomBytes, randomInt } from "node:crypto";

// A device's one-time enrolment code and its long-lived token: both random, both stored only as
// SHA-256 hashes (neither is a password a person chose, so a fast hash is enough).

const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH = 10;

export const sha256 = (s: string): Uint8Array<ArrayBuffer> => new Uint8Array(createHash("sha256").update(s, "utf8").digest());

/** e.g. "K7M2Q-9XDHT": 10 symbols of 31, about 50 bits, typed once by an admin on the kiosk. */
export function newEnrolmentCode(): string {
  let s = "";
  for (let i = 0; i < CODE_LENGTH; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/** The form a code is hashed in: case, spaces and dashes do not matter when typed. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

export function newDeviceToken(): string {
  return randomBytes(32).toString("base64url");
}
