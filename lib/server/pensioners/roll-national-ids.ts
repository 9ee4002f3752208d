import "server-only";
import { pool } from "../../db/client";
import { decryptPii } from "./pii-crypto";

/**
 * The ID numbers of every pensioner on the roll who is not terminated, in a stable order. For the
 * demo and the benchmark only (they stand in for the government sources that know these IDs);
 * nothing a user does calls it.
 */
export async function rollNationalIds(): Promise<string[]> {
  const { rows } = await pool().query<{ id_cipher: Buffer; id_key_version: number }>(
    `select id_cipher, id_key_version from pensioners where payment_status <> 'terminated' order by region_code, id`,
  );
  return rows.map((r) => decryptPii(r.id_cipher, r.id_key_version));
}
