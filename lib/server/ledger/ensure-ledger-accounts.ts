import "server-only";
import { env } from "../../env.js";
import { pool } from "../../db/client";
import { bureauAccount } from "./ledger-accounts";

/**
 * Opens the embedded ledger's accounts if they are missing: the issuer (the only one allowed to go
 * negative), the platform operator, the data providers, and a bureau for every province in the
 * regions table (plus any named). Idempotent; an existing account is never changed.
 */
export async function ensureLedgerAccounts(extraProvinces: string[] = []): Promise<void> {
  await pool().query(
    `insert into ledger_accounts (code, name, allow_negative)
     select t.code, t.name, t.neg from unnest($1::text[], $2::text[], $3::boolean[]) as t(code, name, neg)
     union all
     select $4 || p.code, 'Social insurance bureau ' || p.code, false
       from (select code from regions where level = 'province' union select unnest($5::text[])) p
     on conflict (code) do nothing`,
    [
      [env.LEDGER_ISSUER_ACCOUNT, env.LEDGER_OPERATOR_ACCOUNT, env.LEDGER_PROVIDER_ACCOUNT],
      ["TKY issuer (funding)", "Platform operator", "Data providers"],
      [true, false, false],
      bureauAccount(""),
      extraProvinces,
    ],
  );
}
