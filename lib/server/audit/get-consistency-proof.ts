import "server-only";
import { consistencyProof } from "../../audit-log/merkle";
import type { TConsistencyBundle } from "../../audit-log/verify-proof";
import { pool } from "../../db/client";
import { vmsg } from "../../i18n/validation";
import { AppError, type TFieldError } from "../app-error";
import { checkpointOfSize, getLatestCheckpoint } from "./get-latest-checkpoint";
import { withLogNodes } from "./log-nodes";

/** The RFC 6962 consistency proof between two published checkpoints (`to` defaults to the latest). */
export async function getConsistencyProof(from: number, to?: number): Promise<TConsistencyBundle & { fromSize: number; toSize: number }> {
  const errors: TFieldError[] = [];
  const a = await checkpointOfSize(from);
  if (!a) errors.push({ path: "query.from", message: vmsg("checkpointSize") });
  const b = to === undefined ? (await getLatestCheckpoint()).checkpoint : await checkpointOfSize(to);
  if (!b) errors.push({ path: "query.to", message: vmsg("checkpointSize") });
  if (a && b && a.treeSize > b.treeSize) errors.push({ path: "query.from", message: vmsg("sizeOrder", { other: b.treeSize }) });
  if (errors.length || !a || !b) throw AppError.validation(errors);
  const proof = await withLogNodes(pool(), (node) => consistencyProof(a.treeSize, b.treeSize, node));
  return { from: a.note, to: b.note, fromSize: a.treeSize, toSize: b.treeSize, proof: proof.map((h) => Buffer.from(h).toString("base64")) };
}
