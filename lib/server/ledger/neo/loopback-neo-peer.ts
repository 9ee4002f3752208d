// A loopback NEO N3 JSON-RPC peer: no NEO node can run on the build machines, so the adapter is
// tested over real HTTP against this. It is strict where the adapter could be wrong — it
// deserialises every transaction, verifies the witness signature over (network magic ‖ tx hash)
// against the sender's verification script, enforces validUntilBlock and the network fee, and keeps
// TKY balances so HALT and FAULT come from real execution — and it can inject the faults a real
// network produces. No "server-only" guard: it also runs as a script (`tsx loopback-neo-peer.ts`).
// Methods and error codes follow the NEO N3 RPC docs (RpcServer + ApplicationLogs plugins, NEP-23).
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sc, tx, u, wallet } from "@cityofzion/neon-js";
// Types only: neon-js 5.9 exports its namespaces as values, their classes' types live in neon-core.
import type { tx as TTx } from "@cityofzion/neon-core";
import { runScript, ScriptError, ScriptFault, toScriptHash, transferOf, type TContractCall, type TStackValue } from "./neo-script";

// NEP-23 error codes.
const E = {
  INVALID_PARAMS: -32602,
  UNKNOWN_BLOCK: -101,
  UNKNOWN_TRANSACTION: -103,
  VERIFICATION_FAILED: -500,
  ALREADY_EXISTS: -501,
  INSUFFICIENT_NETWORK_FEE: -504,
  INVALID_SIGNATURE: -508,
  INVALID_SCRIPT: -509,
  EXPIRED: -510,
} as const;

const FEE_PER_BYTE = 1000n;
/** Cost of running a single-signature verification script (PUSHDATA1 ×2 + CheckSig at factor 30). */
const VERIFY_COST = 1_048_560n;
const BASE_GAS = 1_000_000n;
const GAS_PER_CALL = 2_000_000n;
const MAX_VALID_UNTIL_INCREMENT = 5760;

class RpcFail extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

type TBlock = { index: number; hash: string; time: number; txs: string[] };
type TExecution = {
  vmstate: "HALT" | "FAULT";
  exception: string | null;
  gasconsumed: string;
  notifications: { contract: string; eventname: string; state: unknown }[];
};
type TIncluded = { raw: string; tx: TTx.Transaction; block: TBlock; exec: TExecution };
type TPending = { raw: string; tx: TTx.Transaction; notBefore: number };

export type TConfirmedTransfer = { txHash: string; block: number; from: string; to: string; amount: bigint; recordId: string | null; payloadHash: string | null };

export type TLoopbackNeoPeerOptions = {
  networkMagic: number;
  /** The TKY NEP-17 contract (0x-prefixed big-endian hash). */
  contractHash: string;
  /** Opening TKY balances in base units, by address or script hash. */
  balances?: Record<string, bigint>;
  /** Mine a block every so many ms; null mines only on mine() (tests). */
  blockMs?: number | null;
  port?: number;
  host?: string;
};

/** Fault switches; tests flip them between calls. */
export type TNeoFaults = {
  /** The next N executed transactions FAULT (after the fees were paid, as on a real chain). */
  faultNext: number;
  /** The next N RPC calls (of `hangMethods`, or any) never answer until stop(). */
  hangNext: number;
  hangMethods: string[] | null;
  /** The next N accepted transactions are accepted into the pool but the reply hangs (the client times out although the node has the tx). */
  acceptThenHangNext: number;
  /** The next N accepted transactions are acknowledged and then lost: never included. */
  dropNext: number;
  /** Blocks to wait before including a transaction (slow inclusion). */
  inclusionDelay: number;
  /** Answer every call after this many ms. */
  latencyMs: number;
};

export type TLoopbackNeoPeer = {
  url: string;
  faults: TNeoFaults;
  height(): number;
  /** Mines n blocks, including what the pool holds. */
  mine(n?: number): void;
  balanceOf(addressOrHash: string): bigint;
  /** Transfers executed in HALTed transactions. */
  confirmedTransfers(): TConfirmedTransfer[];
  /** Every sendrawtransaction that arrived, valid or not, and the distinct tx hashes accepted. */
  stats(): { sends: number; accepted: Set<string>; rejected: { code: number; message: string }[] };
  stop(): Promise<void>;
};

const sha256hex = (s: string) => createHash("sha256").update(s).digest("hex");

export async function startLoopbackNeoPeer(opts: TLoopbackNeoPeerOptions): Promise<TLoopbackNeoPeer> {
  const contract = toScriptHash(opts.contractHash);
  const balances = new Map<string, bigint>();
  for (const [k, v] of Object.entries(opts.balances ?? {})) balances.set(toScriptHash(k), v);
  const blocks: TBlock[] = [{ index: 0, hash: `0x${sha256hex(`genesis:${opts.networkMagic}`)}`, time: Date.now(), txs: [] }];
  const pool = new Map<string, TPending>();
  const dropped = new Set<string>();
  const included = new Map<string, TIncluded>();
  const confirmed: TConfirmedTransfer[] = [];
  const stats = { sends: 0, accepted: new Set<string>(), rejected: [] as { code: number; message: string }[] };
  const faults: TNeoFaults = { faultNext: 0, hangNext: 0, hangMethods: null, acceptThenHangNext: 0, dropNext: 0, inclusionDelay: 0, latencyMs: 0 };
  const hanging = new Set<http.ServerResponse>();
  let hangReply = false;

  const height = () => blocks.length - 1;

  /** Executes a settlement script against the balances; signers are the accounts with a witness. */
  function execute(script: string, signers: Set<string>, systemFee: bigint | null, apply: boolean, txHash: string | null): TExecution {
    const work = new Map(balances);
    const notifications: TExecution["notifications"] = [];
    const moved: Omit<TConfirmedTransfer, "block">[] = [];
    let gas = BASE_GAS;
    const onCall = (call: TContractCall): TStackValue => {
      gas += GAS_PER_CALL;
      if (call.contract !== contract) throw new ScriptFault(`called contract 0x${call.contract} does not exist`);
      const t = transferOf(call);
      if (!t) throw new ScriptFault(`method ${call.method} with these arguments does not exist on TKY`);
      if (t.amount < 0n) throw new ScriptFault("The amount must be a positive number.");
      // NEP-17: an unwitnessed sender or a short balance makes transfer return false, not throw.
      if (!signers.has(t.from)) return { type: "Boolean", value: false };
      const have = work.get(t.from) ?? 0n;
      if (have < t.amount) return { type: "Boolean", value: false };
      work.set(t.from, have - t.amount);
      work.set(t.to, (work.get(t.to) ?? 0n) + t.amount);
      notifications.push({ contract: `0x${contract}`, eventname: "Transfer", state: { from: t.from, to: t.to, amount: t.amount.toString() } });
      moved.push({ txHash: txHash ?? "", from: t.from, to: t.to, amount: t.amount, recordId: t.data?.recordId ?? null, payloadHash: t.data?.payloadHash ?? null });
      return { type: "Boolean", value: true };
    };
    try {
      runScript(script, onCall);
      if (systemFee !== null && systemFee < gas) throw new ScriptFault(`Insufficient GAS: ${gas} needed, ${systemFee} paid`);
      if (apply && faults.faultNext > 0) {
        faults.faultNext--;
        throw new ScriptFault("injected fault");
      }
    } catch (e) {
      if (!(e instanceof ScriptFault) && !(e instanceof ScriptError)) throw e;
      return { vmstate: "FAULT", exception: e.message, gasconsumed: gas.toString(), notifications: [] };
    }
    if (apply) {
      for (const [k, v] of work) balances.set(k, v);
      for (const m of moved) confirmed.push({ ...m, block: blocks.length });
    }
    return { vmstate: "HALT", exception: null, gasconsumed: gas.toString(), notifications };
  }

  function mine(n = 1) {
    for (let i = 0; i < n; i++) {
      const index = blocks.length;
      const block: TBlock = { index, hash: "", time: Date.now(), txs: [] };
      for (const [hash, p] of pool) {
        if (p.tx.validUntilBlock < index) {
          pool.delete(hash); // expired in the pool: can never be included any more
          continue;
        }
        if (p.notBefore > index) continue;
        pool.delete(hash);
        const signers = new Set(p.tx.signers.map((s) => s.account.toBigEndian()));
        const exec = execute(p.tx.script.toBigEndian(), signers, BigInt(p.tx.systemFee.toString()), true, hash);
        block.txs.push(hash);
        included.set(hash, { raw: p.raw, tx: p.tx, block, exec });
      }
      block.hash = `0x${sha256hex(`${blocks[index - 1]!.hash}:${index}:${block.txs.join(",")}`)}`;
      blocks.push(block);
    }
  }

  function deserialize(base64: string): TTx.Transaction {
    try {
      return tx.Transaction.deserialize(u.HexString.fromBase64(base64).toBigEndian());
    } catch (e) {
      throw new RpcFail(E.INVALID_PARAMS, `Invalid transaction: ${(e as Error).message}`);
    }
  }

  function requiredNetworkFee(t: TTx.Transaction): bigint {
    return BigInt(t.serialize(true).length / 2) * FEE_PER_BYTE + VERIFY_COST * BigInt(t.signers.length);
  }

  /** Each signer needs a single-signature witness whose key hashes to it and signs magic ‖ hash. */
  function verifyWitnesses(t: TTx.Transaction) {
    const hashes = t.getScriptHashesForVerifying();
    if (t.witnesses.length !== hashes.length) throw new RpcFail(E.INVALID_SIGNATURE, "Invalid signature: witness count");
    const message = t.getMessageForSigning(opts.networkMagic);
    hashes.forEach((h, i) => {
      const w = t.witnesses[i]!;
      const verification = w.verificationScript.toBigEndian();
      if (!sc.isSignatureContract(w.verificationScript)) throw new RpcFail(E.INVALID_SIGNATURE, "Invalid signature: not a single-signature account");
      if (wallet.getScriptHashFromVerificationScript(verification) !== h) throw new RpcFail(E.INVALID_SIGNATURE, "Invalid signature: witness is not the signer's");
      const inv = w.invocationScript.toBigEndian();
      if (inv.length !== 132 || !inv.startsWith("0c40")) throw new RpcFail(E.INVALID_SIGNATURE, "Invalid signature: invocation script");
      const ok = wallet.verify(message, inv.slice(4), wallet.getPublicKeyFromVerificationScript(verification));
      if (!ok) throw new RpcFail(E.INVALID_SIGNATURE, "Invalid signature");
    });
  }

  function txJson(hash: string) {
    const inc = included.get(hash);
    const p = inc ?? pool.get(hash);
    if (!p) throw new RpcFail(E.UNKNOWN_TRANSACTION, "Unknown transaction");
    const json: Record<string, unknown> = { ...p.tx.toJson(), hash };
    if (inc) Object.assign(json, { blockhash: inc.block.hash, confirmations: height() - inc.block.index + 1, blocktime: inc.block.time, vmstate: inc.exec.vmstate });
    return { json, raw: p.raw };
  }

  function blockAt(indexOrHash: unknown): TBlock {
    const b = typeof indexOrHash === "number" ? blocks[indexOrHash] : blocks.find((x) => x.hash === indexOrHash || x.hash === `0x${String(indexOrHash)}`);
    if (!b) throw new RpcFail(E.UNKNOWN_BLOCK, "Unknown block");
    return b;
  }

  const methods: Record<string, (params: unknown[]) => unknown> = {
    getversion: () => ({ tcpport: 0, nonce: 1, useragent: "/loopback-neo-peer/", protocol: { network: opts.networkMagic, validatorscount: 1, msperblock: opts.blockMs ?? 15000, maxvaliduntilblockincrement: MAX_VALID_UNTIL_INCREMENT } }),
    getblockcount: () => blocks.length,
    getbestblockhash: () => blocks[height()]!.hash,
    getblockhash: ([i]) => blockAt(Number(i)).hash,
    getblockheader: ([i, verbose]) => {
      const b = blockAt(i);
      return verbose ? { hash: b.hash, index: b.index, time: b.time, confirmations: height() - b.index + 1 } : Buffer.from(b.hash).toString("base64");
    },
    getrawtransaction: ([hash, verbose]) => {
      const { json, raw } = txJson(String(hash));
      return verbose ? json : raw;
    },
    gettransactionheight: ([hash]) => {
      const inc = included.get(String(hash));
      if (!inc) throw new RpcFail(E.UNKNOWN_TRANSACTION, "Unknown transaction");
      return inc.block.index;
    },
    getapplicationlog: ([hash]) => {
      const inc = included.get(String(hash));
      if (!inc) throw new RpcFail(E.UNKNOWN_TRANSACTION, "Unknown transaction/blockhash");
      return { txid: hash, executions: [{ trigger: "Application", ...inc.exec, stack: [] }] };
    },
    invokescript: ([script, signers]) => {
      const hex = u.HexString.fromBase64(String(script)).toBigEndian();
      const witnessed = new Set(((signers as { account: string }[] | undefined) ?? []).map((s) => toScriptHash(s.account)));
      const exec = execute(hex, witnessed, null, false, null);
      return { script, state: exec.vmstate, gasconsumed: exec.gasconsumed, exception: exec.exception, notifications: exec.notifications, stack: [] };
    },
    calculatenetworkfee: ([raw]) => ({ networkfee: requiredNetworkFee(deserialize(String(raw))).toString() }),
    sendrawtransaction: ([raw]) => {
      stats.sends++;
      const t = deserialize(String(raw));
      const hash = `0x${t.hash()}`;
      if (included.has(hash) || pool.has(hash)) throw new RpcFail(E.ALREADY_EXISTS, "Inventory already exists");
      if (dropped.has(hash)) return { hash }; // the node "has" it and will never include it
      const h = height();
      if (t.validUntilBlock <= h || t.validUntilBlock > h + MAX_VALID_UNTIL_INCREMENT) throw new RpcFail(E.EXPIRED, "Expired transaction");
      verifyWitnesses(t);
      if (BigInt(t.networkFee.toString()) < requiredNetworkFee(t)) throw new RpcFail(E.INSUFFICIENT_NETWORK_FEE, "Insufficient network fee");
      try {
        const calls = runScript(t.script.toBigEndian());
        if (calls.length === 0 || calls.some((c) => c.contract !== contract || !transferOf(c))) throw new ScriptError("only TKY transfers are relayed by this peer");
      } catch (e) {
        if (e instanceof ScriptError || e instanceof ScriptFault) throw new RpcFail(E.INVALID_SCRIPT, `Invalid transaction script: ${e.message}`);
        throw e;
      }
      stats.accepted.add(hash);
      if (faults.dropNext > 0) {
        faults.dropNext--;
        dropped.add(hash);
        return { hash };
      }
      pool.set(hash, { raw: String(raw), tx: t, notBefore: h + 1 + faults.inclusionDelay });
      if (faults.acceptThenHangNext > 0) {
        faults.acceptThenHangNext--;
        hangReply = true;
      }
      return { hash };
    },
  };

  async function handle(body: { id?: unknown; method?: unknown; params?: unknown }) {
    const id = body.id ?? null;
    const fn = typeof body.method === "string" ? methods[body.method] : undefined;
    if (!fn) return { jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } };
    try {
      return { jsonrpc: "2.0", id, result: fn(Array.isArray(body.params) ? body.params : []) };
    } catch (e) {
      if (e instanceof RpcFail) {
        if (body.method === "sendrawtransaction") stats.rejected.push({ code: e.code, message: e.message });
        return { jsonrpc: "2.0", id, error: { code: e.code, message: e.message } };
      }
      return { jsonrpc: "2.0", id, error: { code: -32603, message: (e as Error).message } };
    }
  }

  const server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString("utf8")));
    req.on("end", async () => {
      let body: { id?: unknown; method?: unknown; params?: unknown };
      try {
        body = JSON.parse(data);
      } catch {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }));
        return;
      }
      const method = String(body.method);
      if (faults.hangNext > 0 && (!faults.hangMethods || faults.hangMethods.includes(method))) {
        faults.hangNext--;
        hanging.add(res); // never answered: the client's timeout is what is being tested
        return;
      }
      if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
      const reply = await handle(body);
      if (hangReply) {
        hangReply = false;
        hanging.add(res);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  const addr = server.address() as AddressInfo;
  const timer = opts.blockMs ? setInterval(() => mine(1), opts.blockMs) : null;
  timer?.unref();

  return {
    url: `http://${addr.address}:${addr.port}`,
    faults,
    height,
    mine,
    balanceOf: (a) => balances.get(toScriptHash(a)) ?? 0n,
    confirmedTransfers: () => [...confirmed],
    stats: () => stats,
    stop: async () => {
      if (timer) clearInterval(timer);
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// As a script: a peer for trying the adapter by hand, e.g.
//   npx tsx lib/server/ledger/neo/loopback-neo-peer.ts --port 20332 --fund <bureau address> 100000000000
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const fundAt = process.argv.indexOf("--fund");
  const balances = fundAt >= 0 ? { [process.argv[fundAt + 1]!]: BigInt(process.argv[fundAt + 2]!) } : {};
  const peer = await startLoopbackNeoPeer({
    networkMagic: Number(arg("magic") ?? 894710606),
    contractHash: arg("contract") ?? "0x" + "7".repeat(40),
    balances,
    blockMs: Number(arg("block-ms") ?? 1000),
    port: Number(arg("port") ?? 0),
  });
  console.log(`loopback NEO N3 peer at ${peer.url} (Ctrl-C stops it)`);
  process.on("SIGINT", () => void peer.stop().then(() => process.exit(0)));
}
