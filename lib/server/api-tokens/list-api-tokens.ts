import "server-only";
import { z } from "zod";
import { pool } from "../../db/client";
import type { TActor } from "../actor";
import { scopePatterns } from "../regions/scope";
import { ZPage } from "../schemas";
import { apiTokenView, type TApiTokenView } from "./api-token-view";

export const ZApiTokenQuery = ZPage.extend({ pageSize: z.coerce.number().int().min(1).max(200).default(25) });
export type TApiTokenQuery = z.output<typeof ZApiTokenQuery>;
export type TApiTokenList = { items: TApiTokenView[]; total: number; page: number; pageSize: number };

/**
 * API tokens whose every region lies in the admin's scope (the tokens this admin could have
 * issued), newest first, a page at a time; never a token or its hash.
 */
export async function listApiTokens(actor: TActor, q: TApiTokenQuery): Promise<TApiTokenList> {
  const { rows } = await pool().query<{
    id: string; name: string; scopes: string[]; region_codes: string[]; created_at: Date; last_used_at: Date | null; revoked_at: Date | null; total: string;
  }>(
    `select id::text, name, scopes, region_codes, created_at, last_used_at, revoked_at, count(*) over () as total
       from api_tokens t
      where not exists (select 1 from unnest(t.region_codes) rc where not rc like any($1))
      order by created_at desc, id
      limit $2 offset $3`,
    [scopePatterns(actor.regions), q.pageSize, (q.page - 1) * q.pageSize],
  );
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && q.page > 1) {
    const c = await pool().query<{ n: string }>(
      `select count(*) as n from api_tokens t where not exists (select 1 from unnest(t.region_codes) rc where not rc like any($1))`,
      [scopePatterns(actor.regions)],
    );
    total = Number(c.rows[0]!.n);
  }
  const items = rows.map((r) =>
    apiTokenView({ id: r.id, name: r.name, scopes: r.scopes, regionCodes: r.region_codes, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }),
  );
  return { items, total, page: q.page, pageSize: q.pageSize };
}
