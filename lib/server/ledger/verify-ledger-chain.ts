import "server-only";
import { pgTx } from "../../db/pg-tx";
import { chainHash, GENESIS_HASH } from "./ledger-intent";

export type TChainReport = { ok: boolean; height: bigint; head: string; firstBad: { seq: bigint; reason: string } | null };

type TTransferRow = { seq: string; body: string; prev_hash: string; hash: string; postings: [string, string][] };

/**
 * Re-verifies the whole embedded ledger from the database: every link of the hash chain, every
 * body against its postings, the head, and every balance against the sum of its postings. It
 * streams: keyset pages of `pageSize` transfers in one read-only repeatable-read snapshot, so its
 * memory does not grow with the ledger and concurrent settlements cannot move the head under it.
 */
export async function verifyLedgerChain({ pageSize = 5000 }: { pageSize?: number } = {}): Promise<TChainReport> {
  return pgTx(async (client) => {
    await client.query("set transaction isolation level repeatable read, read only");
    const head = (await client.query<{ height: string; hash: string }>(`select height, hash from ledger_head where id = 1`)).rows[0]!;
    const bad = (seq: bigint, reason: string): TChainReport => ({ ok: false, height: BigInt(head.height), head: head.hash, firstBad: { seq, reason } });
    let prev = GENESIS_HASH;
    let expect = 1n;
    for (;;) {
      const { rows } = await client.query<TTransferRow>(
        `select t.seq, t.body, t.prev_hash, t.hash,
                (select json_agg(json_build_array(p.account, p.amount::text) order by p.n) from ledger_postings p where p.transfer_seq = t.seq) as postings
           from ledger_transfers t where t.seq >= $1 order by t.seq limit $2`,
        [expect.toString(), pageSize],
      );
      for (const t of rows) {
        const seq = BigInt(t.seq);
        if (seq !== expect) return bad(expect, "missing transfer (gap in heights)");
        if (t.prev_hash !== prev) return bad(seq, "prev_hash does not link to the previous transfer");
        if (chainHash(prev, seq, t.body) !== t.hash) return bad(seq, "hash does not match the body");
        if (JSON.stringify(JSON.parse(t.body).postings) !== JSON.stringify(t.postings)) return bad(seq, "postings differ from the body");
        prev = t.hash;
        expect++;
      }
      if (rows.length < pageSize) break;
    }
    if (BigInt(head.height) !== expect - 1n || head.hash !== prev) return bad(expect - 1n, "head does not match the last transfer");
    const drift = await client.query<{ code: string }>(
      `select a.code from ledger_accounts a left join (select account, sum(amount) s from ledger_postings group by 1) p on p.account = a.code
        where a.balance <> coalesce(p.s, 0) limit 1`,
    );
    if (drift.rows[0]) return bad(expect - 1n, `balance of ${drift.rows[0].code} differs from its postings`);
    return { ok: true, height: BigInt(head.height), head: head.hash, firstBad: null };
  });
}
