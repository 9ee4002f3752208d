import "server-only";
import { randomInt } from "node:crypto";
import { rpc, sc, tx, u, wallet } from "@cityofzion/neon-js";
// Types only: neon-js 5.9 exports its namespaces as values, their classes' types live in neon-core.
import type { rpc as TRpc } from "@cityofzion/neon-core";
import { z } from "zod";
import { prisma } from "../../../db/client";
import type { NeoTransaction, NeoTxAttempt } from "../../../db/generated/client";
import { env, required } from "../../../env.js";
import { AppError } from "../../app-error";
import type { TLedgerAdapter, TLedgerIntent, TLedgerReceipt, TLedgerState } from "../ledger-adapter";
import { canonicalIntent, sha256Hex, validateIntent } from "../ledger-intent";
import { buildSettlementScript, readSettlementScript, toScriptHash, type TNeoTransfer } from "./neo-script";

// The NEO N3 ledger adapter: a settlement is one transaction of NEP-17 `transfer` calls on the TKY
// contract, from the bureau's account to each payee (neo-script.ts). Exactly once rests on two
// rules: the signed transaction is stored before it is broadcast (so whatever reached the network
// is known), and a key gets a new transaction only once its previous one can no longer land
// (height > validUntilBlock and not on chain). RPC methods as in the NEO N3 RPC docs; building and
// signing with neon-js 5.9 (rpc.RPCClient, tx.Transaction, sc.ScriptBuilder, wallet.Account).

export const ZNeoLedgerOptions = z.object({
  rpcUrl: z.string().url(),
  networkMagic: z.number().int().min(0).max(0xffffffff),
  /** The TKY NEP-17 contract, 0x-prefixed big-endian. */
  contractHash: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  /** The bureau's key: WIF or 64 hex digits. */
  bureauKey: z.string().refine((k) => wallet.isWIF(k) || wallet.isPrivateKey(k), "must be a WIF or a private key"),
  /** Account codes the bureau pays from: every debit posting must start with this. */
  bureauPrefix: z.string().min(1),
  /** Credit account code → NEO address of the payee. */
  payees: z.record(z.string(), z.string().refine((a) => wallet.isAddress(a), "must be a NEO N3 address")),
  validBlocks: z.number().int().min(2).max(5760),
  timeoutMs: z.number().int().min(1),
});
export type TNeoLedgerOptions = z.infer<typeof ZNeoLedgerOptions>;

/** The adapter as configured by the environment (LEDGER_ADAPTER=neo); see README, NEO N3 adapter. */
export function neoLedgerFromEnv(): TLedgerAdapter {
  const payees: Record<string, string> = {};
  if (env.NEO_OPERATOR_ADDRESS) payees[env.LEDGER_OPERATOR_ACCOUNT] = env.NEO_OPERATOR_ADDRESS;
  if (env.NEO_PROVIDER_ADDRESS) payees[env.LEDGER_PROVIDER_ACCOUNT] = env.NEO_PROVIDER_ADDRESS;
  return createNeoLedger({
    rpcUrl: required("NEO_RPC_URL"),
    networkMagic: env.NEO_NETWORK_MAGIC,
    contractHash: required("NEO_TKY_CONTRACT"),
    bureauKey: required("NEO_BUREAU_WIF"),
    bureauPrefix: env.LEDGER_BUREAU_PREFIX,
    payees,
    validBlocks: env.NEO_VALID_BLOCKS,
    timeoutMs: env.NEO_RPC_TIMEOUT_MS,
  });
}

const REF_PREFIX = "neo:";
const ALREADY_KNOWN = /already ?exists|already in (the )?pool/i;

type TSigned = { txHash: string; raw: string; validUntilBlock: number };
type TAppLog = { executions: { trigger: string; vmstate: string; exception: string | null }[] };

/** invokescript says the transfer would FAULT (e.g. the bureau's TKY balance is short). */
class PreflightFault extends Error {}

export function createNeoLedger(options: TNeoLedgerOptions): TLedgerAdapter {
  const opts = ZNeoLedgerOptions.parse(options);
  const bureau = new wallet.Account(opts.bureauKey);
  const client = new rpc.RPCClient(opts.rpcUrl);
  const verificationScript = wallet.getVerificationScriptFromPublicKey(bureau.publicKey);
  // CalledByEntry: the signature authorises the transfers in our own script and nothing they call.
  const signer = new tx.Signer({ account: bureau.scriptHash, scopes: tx.WitnessScope.CalledByEntry });

  const unavailable = (what: string, e: unknown) =>
    e instanceof AppError
      ? e
      : new AppError("LEDGER_UNAVAILABLE", "The NEO ledger is not reachable; settlement will be retried", {
          logMessage: `NEO RPC ${what} at ${opts.rpcUrl}: ${(e as Error)?.message ?? e}`,
          cause: e,
        });

  /** One RPC call with our timeout. RpcError (the node answered with an error) passes through for the caller to judge. */
  async function rawCall<T>(what: string, q: TRpc.Query<TRpc.JsonRpcParams, T>): Promise<T> {
    try {
      return await client.execute(q, { timeout: opts.timeoutMs });
    } catch (e) {
      if (e instanceof rpc.RpcError) throw e;
      throw unavailable(what, e);
    }
  }

  /** One RPC call where any failure, an error answer included, means the ledger is unavailable. */
  async function call<T>(what: string, q: TRpc.Query<TRpc.JsonRpcParams, T>): Promise<T> {
    try {
      return await rawCall(what, q);
    } catch (e) {
      throw unavailable(what, e);
    }
  }

  /** getapplicationlog / getrawtransaction on an unknown hash: null, any other error is an outage. */
  async function lookup<T>(what: string, q: TRpc.Query<TRpc.JsonRpcParams, T>): Promise<T | null> {
    try {
      return await rawCall(what, q);
    } catch (e) {
      // NEP-23: -103 unknown transaction; older nodes: -100, or invalid params "Unknown transaction/blockhash".
      if (e instanceof rpc.RpcError && ([-100, -103].includes(e.code) || /unknown/i.test(e.message))) return null;
      throw unavailable(what, e);
    }
  }

  async function height(): Promise<number> {
    return (await call("getblockcount", rpc.Query.getBlockCount())) - 1;
  }

  /** Turns postings into transfers: the bureau pays, each credited account must be a configured payee. */
  function transfersOf(intent: TLedgerIntent): TNeoTransfer[] {
    const fieldErrors: { path: string; message: string }[] = [];
    const transfers: TNeoTransfer[] = [];
    intent.postings.forEach((p, i) => {
      if (p.amount < 0n) {
        if (!p.account.startsWith(opts.bureauPrefix)) fieldErrors.push({ path: `postings.${i}.account`, message: `only the bureau (${opts.bureauPrefix}…) pays on NEO` });
      } else {
        const to = opts.payees[p.account];
        if (!to) fieldErrors.push({ path: `postings.${i}.account`, message: `no NEO address configured for ${p.account}` });
        else transfers.push({ to, amount: p.amount });
      }
    });
    if (fieldErrors.length) throw AppError.validation(fieldErrors);
    return transfers;
  }

  /** Builds, prices and signs a transaction of `script`; nothing is broadcast here. */
  async function sign(script: string): Promise<TSigned> {
    const h = await height();
    const invoke = await call("invokescript", rpc.Query.invokeScript(u.HexString.fromHex(script), [signer]));
    if (invoke.state !== "HALT") throw new PreflightFault(`the transfer would fail: ${invoke.exception ?? invoke.state}`);
    const t = new tx.Transaction({
      nonce: randomInt(0, 2 ** 32 - 1),
      validUntilBlock: h + opts.validBlocks,
      script,
      systemFee: invoke.gasconsumed,
      signers: [signer],
    });
    // calculatenetworkfee needs the verification script to price the witness; the invocation
    // script is a placeholder of a signature's size (neon-api's smartCalculateNetworkFee does the same).
    t.addWitness(new tx.Witness({ invocationScript: new sc.OpToken(sc.OpCode.PUSHDATA1, "00".repeat(64)).toScript(), verificationScript }));
    const fee = await call("calculatenetworkfee", rpc.Query.calculateNetworkFee(t));
    t.networkFee = u.BigInteger.fromDecimal(fee.networkfee, 0);
    t.witnesses = [];
    t.sign(bureau, opts.networkMagic);
    return { txHash: `0x${t.hash()}`, raw: u.HexString.fromHex(t.serialize(true)).toBase64(), validUntilBlock: t.validUntilBlock };
  }

  /** sendrawtransaction; a duplicate answer means the node already has it, which is what we wanted. */
  async function broadcast(row: NeoTransaction, attempt: NeoTxAttempt): Promise<void> {
    try {
      await rawCall("sendrawtransaction", rpc.Query.sendRawTransaction(attempt.rawTx));
    } catch (e) {
      if (!(e instanceof rpc.RpcError && ([-501, -503].includes(e.code) || ALREADY_KNOWN.test(e.message)))) {
        const err = unavailable("sendrawtransaction", e);
        await prisma().neoTransaction.updateMany({ where: { id: row.id, txHash: attempt.txHash }, data: { error: err.message } });
        // A refusal (policy, fee, expiry) leaves the attempt queued: it can never land, so once it
        // is past validUntilBlock it is re-signed with fresh fees.
        throw err;
      }
    }
    await prisma().$transaction([
      prisma().neoTxAttempt.update({ where: { txHash: attempt.txHash }, data: { state: "submitted", sends: { increment: 1 } } }),
      prisma().neoTransaction.updateMany({ where: { id: row.id, txHash: attempt.txHash, state: { in: ["queued", "expired"] } }, data: { state: "submitted", error: null } }),
    ]);
  }

  const receipt = (row: NeoTransaction): TLedgerReceipt => ({
    ref: `${REF_PREFIX}${row.id}`,
    state: row.state as TLedgerState,
    txId: row.txHash,
    block: row.blockHeight,
    error: row.error,
  });

  async function load(id: string) {
    return prisma().neoTransaction.findUnique({ where: { id } });
  }

  /**
   * Moves a settlement forward as far as the chain allows: final/failed from the application log,
   * rebroadcast when the node lost it, a new signed transaction once the old one is provably dead.
   */
  async function advance(row: NeoTransaction, depth = 0): Promise<TLedgerReceipt> {
    if (row.state === "final" || row.state === "failed" || !row.txHash) return receipt(row);
    const attempt = await prisma().neoTxAttempt.findUniqueOrThrow({ where: { txHash: row.txHash } });
    // The height is read BEFORE looking the transaction up: if it is then not found and that height
    // is past validUntilBlock, every block that could have held it had already been checked.
    const h = await height();
    const log = await lookup("getapplicationlog", rpc.Query.getApplicationLog(attempt.txHash));
    if (log) return settle(row, attempt, log as TAppLog);

    if (h > Number(attempt.validUntilBlock)) return resign(row, attempt, depth);

    if (row.state === "submitted") {
      // Still in the node's pool? A restarted or evicting node forgets transactions; sending the
      // same bytes again is harmless (same hash), so we rebroadcast rather than wait for expiry.
      const inPool = await lookup("getrawtransaction", rpc.Query.getRawTransaction(attempt.txHash, false));
      if (inPool) return receipt(row);
    }
    await broadcast(row, attempt);
    return receipt((await load(row.id))!);
  }

  async function settle(row: NeoTransaction, attempt: NeoTxAttempt, log: TAppLog): Promise<TLedgerReceipt> {
    const exec = log.executions.find((x) => x.trigger === "Application") ?? log.executions[0];
    const halted = exec?.vmstate === "HALT";
    const raw = await call("getrawtransaction", rpc.Query.getRawTransaction(attempt.txHash, true));
    const header = await call("getblockheader", rpc.Query.getBlockHeader(raw.blockhash, true));
    const state = halted ? "final" : "failed";
    await prisma().$transaction([
      prisma().neoTxAttempt.update({ where: { txHash: attempt.txHash }, data: { state } }),
      prisma().neoTransaction.updateMany({
        where: { id: row.id, txHash: attempt.txHash },
        data: { state, blockHeight: BigInt(header.index), blockHash: raw.blockhash, error: halted ? null : `FAULT: ${exec?.exception ?? "unknown"}` },
      }),
    ]);
    return receipt((await load(row.id))!);
  }

  /** The current attempt can no longer land: sign a new one for the same key (history kept). */
  async function resign(row: NeoTransaction, old: NeoTxAttempt, depth: number): Promise<TLedgerReceipt> {
    await prisma().neoTxAttempt.update({ where: { txHash: old.txHash }, data: { state: "expired" } });
    let signed: TSigned;
    try {
      signed = await sign(row.script);
    } catch (e) {
      const message = e instanceof PreflightFault ? e.message : unavailable("re-signing", e).message;
      await prisma().neoTransaction.updateMany({ where: { id: row.id, txHash: old.txHash }, data: { state: "expired", error: message } });
      if (e instanceof PreflightFault) return receipt((await load(row.id))!);
      throw unavailable("re-signing", e);
    }
    // Compare-and-set on the current tx hash: of two pollers re-signing at once only one attempt is
    // stored; the loser's transaction was never broadcast, so it simply does not exist.
    const swapped = await prisma().$transaction(async (db) => {
      const n = await db.neoTransaction.updateMany({
        where: { id: row.id, txHash: old.txHash },
        data: { txHash: signed.txHash, validUntilBlock: BigInt(signed.validUntilBlock), attempts: { increment: 1 }, state: "queued", error: null },
      });
      if (n.count === 0) return false;
      await db.neoTxAttempt.create({
        data: { txHash: signed.txHash, neoTransactionId: row.id, attempt: row.attempts + 1, rawTx: signed.raw, validUntilBlock: BigInt(signed.validUntilBlock) },
      });
      return true;
    });
    const fresh = (await load(row.id))!;
    if (!swapped && depth > 2) return receipt(fresh);
    return advance(fresh, depth + 1);
  }

  function parseRef(ref: string): string {
    const id = ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : "";
    if (!z.string().uuid().safeParse(id).success) throw AppError.notFound("ledger reference");
    return id;
  }

  return {
    name: "neo",

    async submit(intent) {
      validateIntent(intent);
      const transfers = transfersOf(intent);
      const intentHash = sha256Hex(canonicalIntent(intent));
      const existing = await prisma().neoTransaction.findUnique({ where: { idempotencyKey: intent.idempotencyKey } });
      const replay = (row: NeoTransaction) => {
        if (row.intentHash !== intentHash) {
          throw new AppError("CONFLICT", "This idempotency key was already used for a different settlement", {
            logMessage: `NEO ledger: key ${intent.idempotencyKey} reused with a different intent`,
          });
        }
        return advance(row);
      };
      if (existing) return replay(existing);

      const script = buildSettlementScript({
        contractHash: opts.contractHash,
        from: bureau.scriptHash,
        transfers,
        data: { kind: intent.kind, recordId: intent.recordId, payloadHash: intent.payloadHash },
      });
      let signed: TSigned;
      try {
        signed = await sign(script);
      } catch (e) {
        // Nothing was stored or sent: a retry after a top-up (or the outage) starts afresh. Our
        // script can only FAULT in invokescript when a transfer returns false: a short balance.
        if (e instanceof PreflightFault) {
          throw new AppError("LEDGER_INSUFFICIENT_FUNDS", "The bureau's TKY balance on NEO does not cover this settlement", { logMessage: `NEO invokescript: ${e.message}` });
        }
        throw e;
      }
      try {
        const row = await prisma().$transaction(async (db) => {
          const created = await db.neoTransaction.create({
            data: {
              idempotencyKey: intent.idempotencyKey,
              intentHash,
              recordId: intent.recordId,
              payloadHash: intent.payloadHash,
              script,
              attempts: 1,
              txHash: signed.txHash,
              validUntilBlock: BigInt(signed.validUntilBlock),
            },
          });
          await db.neoTxAttempt.create({
            data: { txHash: signed.txHash, neoTransactionId: created.id, attempt: 1, rawTx: signed.raw, validUntilBlock: BigInt(signed.validUntilBlock) },
          });
          return created;
        });
        return await advance(row);
      } catch (e) {
        // A concurrent submit of the same key stored its transaction first; ours was never sent.
        if ((e as { code?: string }).code !== "P2002") throw e;
        return replay((await prisma().neoTransaction.findUniqueOrThrow({ where: { idempotencyKey: intent.idempotencyKey } })));
      }
    },

    async getStatus(ref) {
      const row = await load(parseRef(ref));
      if (!row) throw AppError.notFound("ledger reference");
      return advance(row);
    },

    async verify(ref, payloadHash) {
      const row = await load(parseRef(ref));
      if (!row?.txHash) return { onLedger: false, hashMatches: false };
      // Read from the node, not from our table: the point is to check the ledger itself.
      const log = (await lookup("getapplicationlog", rpc.Query.getApplicationLog(row.txHash))) as TAppLog | null;
      const onLedger = !!log?.executions.some((x) => x.trigger === "Application" && x.vmstate === "HALT");
      if (!onLedger) return { onLedger: false, hashMatches: false };
      const chainTx = await call("getrawtransaction", rpc.Query.getRawTransaction(row.txHash, true));
      let hashMatches = false;
      try {
        const transfers = readSettlementScript(u.HexString.fromBase64(chainTx.script).toBigEndian(), opts.contractHash);
        hashMatches = transfers.length > 0 && transfers.every((t) => t.from === toScriptHash(bureau.scriptHash) && t.data?.recordId === row.recordId && t.data.payloadHash === payloadHash);
      } catch {
        hashMatches = false; // not a settlement script of ours: nothing on it matches
      }
      return { onLedger, hashMatches };
    },

    async head() {
      const count = await call("getblockcount", rpc.Query.getBlockCount());
      // The hash of block count-1 by index, not getbestblockhash: a block may land between two calls.
      const hash = await call("getblockhash", rpc.Query.getBlockHash(count - 1));
      return { height: BigInt(count - 1), hash };
    },
  };
}
