import "server-only";
import { pool } from "../../db/client";
import { decryptPii } from "./pii-crypto";

const PAGE = 100_000;

/**
 * The ID numbers of every pensioner on the roll who is not terminated, in a stable order. For the
 * demo and the benchmark only (they stand in for the government sources that know these IDs);
 * nothing a user does calls it. Read a page at a time along the (region_code, id) index, so a roll
 * of ten million never sits in memory as query rows, only as the strings returned.
 */
export async function rollNationalIds(onProgress?: (done: number) => void): Promise<string[]> {
  const out: string[] = [];
  let after = null as { region_code: string; id: string } | null;
  for (;;) {
    const { rows }: { rows: { region_code: string; id: string; id_cipher: Buffer; id_key_version: number }[] } = await pool().query(
      `select region_code, id, id_cipher, id_key_version from pensioners
        where payment_status <> 'terminated' and ($1::text is null or (region_code, id) > ($1, $2::uuid))
        order by region_code, id limit ${PAGE}`,
      [after?.region_code ?? null, after?.id ?? null],
    );
    for (const r of rows) out.push(decryptPii(r.id_cipher, r.id_key_version));
    onProgress?.(out.length);
    if (rows.length < PAGE) return out;
    after = rows[rows.length - 1]!;
  }
}
