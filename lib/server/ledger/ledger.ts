import "server-only";
import { env } from "../../env.js";
import type { TLedgerAdapter } from "./ledger-adapter";
import { createEmbeddedLedger } from "./embedded-ledger";

// Choosing the ledger is configuration (LEDGER_ADAPTER); the default needs nothing beyond the
// database. An adapter that pulls in heavy dependencies loads on first use, not at import.

export type TLedgerAdapterName = typeof env.LEDGER_ADAPTER;

/** An adapter whose module is imported on first call. */
function lazy(name: string, load: () => Promise<TLedgerAdapter>): TLedgerAdapter {
  let loaded: Promise<TLedgerAdapter> | null = null;
  const get = () =>
    (loaded ??= load().catch((e) => {
      loaded = null;
      throw e;
    }));
  return {
    name,
    submit: async (intent) => (await get()).submit(intent),
    getStatus: async (ref) => (await get()).getStatus(ref),
    verify: async (ref, payloadHash) => (await get()).verify(ref, payloadHash),
    head: async () => (await get()).head(),
  };
}

/** Every adapter by its LEDGER_ADAPTER name. A new ledger is one line here. */
const ADAPTERS: Record<TLedgerAdapterName, () => TLedgerAdapter> = {
  embedded: () => createEmbeddedLedger(),
  neo: () =>
    lazy("neo", async () => {
      // The NEO N3 adapter (lib/server/ledger/neo/neo-ledger.ts), configured from the environment.
      // The specifier is not a literal so this file's type check does not depend on that module.
      const specifier = "./neo/neo-ledger";
      const mod = (await import(/* webpackIgnore: true */ specifier)) as { neoLedgerFromEnv?: () => TLedgerAdapter; createNeoLedger: () => TLedgerAdapter };
      return mod.neoLedgerFromEnv ? mod.neoLedgerFromEnv() : mod.createNeoLedger();
    }),
};

type TGlobal = { ledger?: TLedgerAdapter };
const g = globalThis as unknown as TGlobal;

/** The configured ledger adapter (one per process). */
export function ledgerAdapter(): TLedgerAdapter {
  g.ledger ??= ADAPTERS[env.LEDGER_ADAPTER]();
  return g.ledger;
}
