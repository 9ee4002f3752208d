import "server-only";
import { decode } from "next-auth/jwt";

// Auth.js's session cookie names (@auth/core lib/utils/cookie.js defaultCookies): the __Secure-
// one when the request came over HTTPS. The cookie's name is also the JWT's key-derivation salt.
const COOKIE = "authjs.session-token";
const SECURE_COOKIE = `__Secure-${COOKIE}`;
// jwtDecrypt's clockTolerance in @auth/core/jwt decode().
const CLOCK_TOLERANCE_MS = 15_000;
const MAX_CACHED = 5_000;

type TCookies = { get(name: string): { value: string } | undefined; getAll(): { name: string; value: string }[] };

/** The cookie's value; Auth.js splits a large one into name.0, name.1, … (SessionStore). */
function tokenOf(cookies: TCookies, name: string): string | null {
  const whole = cookies.get(name)?.value;
  if (whole) return whole;
  const chunks = cookies
    .getAll()
    .filter((c) => c.name.startsWith(`${name}.`) && /^\d+$/.test(c.name.slice(name.length + 1)))
    .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
  return chunks.length ? chunks.map((c) => c.value).join("") : null;
}

// A decoded token's session id and expiry, by cookie name and token: the same cookie comes back with
// every request of a session, and its A256CBC-HS512 decryption (with an HKDF key derivation) was
// a quarter of a small API request's CPU (bench/notes/load.md). A token is authenticated
// encryption, so the same string always decodes to the same payload; revocation is still checked
// against the sessions table on every request (current-user.ts).
const decoded = new Map<string, { sid: string | null; expMs: number }>();

/**
 * The server-side session id in the request's Auth.js session cookie, or null when there is none,
 * it does not decrypt with AUTH_SECRET, or it has expired. What Auth.js's auth() returns as the
 * session's `sid` (lib/auth/config.ts's callbacks), without building and answering an internal
 * session request: the same decode (next-auth/jwt), the same cookie name by protocol.
 */
export async function sessionIdFromCookies(cookies: TCookies, https: boolean, secret: string, now = Date.now()): Promise<string | null> {
  const name = https ? SECURE_COOKIE : COOKIE;
  const token = tokenOf(cookies, name);
  if (!token) return null;
  // The cookie's name is the key-derivation salt: a token decodes only under the name it was made for.
  const key = `${name}=${token}`;
  const hit = decoded.get(key);
  if (hit) {
    if (hit.expMs + CLOCK_TOLERANCE_MS > now) return hit.sid;
    decoded.delete(key);
    return null;
  }
  const payload = await decode({ token, secret, salt: name }).catch(() => null);
  if (!payload) return null;
  const sid = typeof payload.sid === "string" ? payload.sid : null;
  // decode() has checked exp; a token without one (never issued by this app) is not kept.
  if (typeof payload.exp === "number") {
    if (decoded.size >= MAX_CACHED) decoded.delete(decoded.keys().next().value!);
    decoded.set(key, { sid, expMs: payload.exp * 1000 });
  }
  return sid;
}
