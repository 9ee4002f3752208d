// The body of the audit log's hashing threads (hash-pool.ts bundles it): pure work on bytes that
// the main thread read from PostgreSQL, handed over and back without copying.
import { move, transferableSymbol, valueSymbol } from "piscina";
import { hashChunk, hashEventRows, type TChunkTask } from "./event-copy";

export type THashTask = ({ kind: "chunk" } & TChunkTask) | { kind: "events"; events: Uint8Array };

export default function hashTask(task: THashTask) {
  if (task.kind === "chunk") {
    const r = hashChunk(task);
    return move({
      get [transferableSymbol]() {
        return [r.levels[0]!.buffer, r.eventIds.buffer];
      },
      get [valueSymbol]() {
        return r;
      },
    });
  }
  const r = hashEventRows(task.events);
  return move({
    get [transferableSymbol]() {
      return [r.hashes.buffer];
    },
    get [valueSymbol]() {
      return r;
    },
  });
}
