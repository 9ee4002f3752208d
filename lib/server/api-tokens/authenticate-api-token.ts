import "server-only";
import { pool } from "../../db/client";
import { hashApiToken, looksLikeApiToken } from "./api-token-secrets";

export type TApiTokenPrincipal = { id: string; name: string; scopes: string[]; regionCodes: string[] };

/**
 * The unrevoked token with this value, or null. Looked up on every request, so a revocation takes
 * effect at once; last_used_at is written at most once a minute per token (one conditional UPDATE
 * that also does the lookup), so a busy client does not turn every read into a write.
 */
export async function authenticateApiToken(token: string | null | undefined): Promise<TApiTokenPrincipal | null> {
  if (!token || !looksLikeApiToken(token)) return null;
  const { rows } = await pool().query<{ id: string; name: string; scopes: string[]; region_codes: string[] }>(
    `with t as (select id, name, scopes, region_codes, last_used_at from api_tokens where token_hash = $1 and revoked_at is null),
          touched as (update api_tokens a set last_used_at = now() from t
                       where a.id = t.id and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute'))
     select id::text, name, scopes, region_codes from t`,
    [Buffer.from(hashApiToken(token))],
  );
  const r = rows[0];
  return r ? { id: r.id, name: r.name, scopes: r.scopes, regionCodes: r.region_codes } : null;
}
