import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { required } from "../../env.js";

// The signed token in a check notice's QR code: "v1.<payload>.<mac>", where payload is
// base64url(JSON {p: pensionerId, c: checkId, exp: unix seconds}) and mac is
// base64url(HMAC-SHA256(KIOSK_QR_KEY, "v1." + payload)). It names a check, not a person's ID
// number, so a lost notice reveals nothing; it is accepted only by a kiosk of the check's region
// and only while the check is open and the token unexpired.

const VERSION = "v1";
const ZPayload = z.object({ p: z.uuid(), c: z.uuid(), exp: z.number().int().positive() });

export type TCheckToken = { pensionerId: string; checkId: string; exp: Date };

function mac(body: string): Buffer {
  return createHmac("sha256", Buffer.from(required("KIOSK_QR_KEY"), "base64")).update(body, "utf8").digest();
}

/** The QR token for a check notice (the notice issue prints it). */
export function signCheckToken(t: TCheckToken): string {
  const payload = Buffer.from(JSON.stringify({ p: t.pensionerId, c: t.checkId, exp: Math.floor(t.exp.getTime() / 1000) }), "utf8").toString("base64url");
  const body = `${VERSION}.${payload}`;
  return `${body}.${mac(body).toString("base64url")}`;
}

/** The token's claims if its signature holds and it has not expired; null otherwise (forged, altered, expired or malformed). */
export function verifyCheckToken(token: string, now = new Date()): TCheckToken | null {
  const parts = token.trim().split(".");
  if (parts.length !== 3 || parts[0] !== VERSION) return null;
  const body = `${parts[0]}.${parts[1]}`;
  const given = Buffer.from(parts[2]!, "base64url");
  const want = mac(body);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  let claims: z.infer<typeof ZPayload>;
  try {
    claims = ZPayload.parse(JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")));
  } catch {
    return null;
  }
  if (claims.exp * 1000 <= now.getTime()) return null;
  return { pensionerId: claims.p, checkId: claims.c, exp: new Date(claims.exp * 1000) };
}
