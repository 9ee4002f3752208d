import { nationalIdProblem } from "../../domain/national-id";
import type { TBdmiContext } from "./context";
import { invalid, type TProblemField } from "./problem";
import { encryptId, subjectOf } from "./subject-crypto";

/**
 * Enrols national IDs as subjects of the agency (idempotent). Set-based: one lookup of the ones
 * already known, then one insert of the rest, so only new IDs pay for encryption.
 */
export async function enrolSubjects(ctx: TBdmiContext, agency: string, nationalIds: string[]): Promise<{ received: number; added: number }> {
  const bad: TProblemField[] = [];
  nationalIds.forEach((id, i) => {
    const p = nationalIdProblem(id);
    if (p) bad.push({ path: `nationalIds.${i}`, message: p });
  });
  if (bad.length) throw invalid(`${bad.length} national ID number(s) are not valid GB 11643 numbers`, bad.slice(0, 100));
  const added = await enrolValid(ctx, agency, [...new Set(nationalIds)]);
  return { received: nationalIds.length, added };
}

/** Enrols already-validated, distinct IDs; returns how many were new. */
export async function enrolValid(ctx: TBdmiContext, agency: string, ids: string[], subjects?: Buffer[]): Promise<number> {
  if (!ids.length) return 0;
  const subs = subjects ?? ids.map((id) => subjectOf(ctx.subjectKey, id));
  const { rows } = await ctx.pool.query<{ subject: Buffer }>("select subject from bdmi.subjects where subject = any($1::bytea[])", [subs]);
  if (rows.length === ids.length) return 0;
  const known = new Set(rows.map((r) => r.subject.toString("hex")));
  const newSubs: Buffer[] = [];
  const ciphers: Buffer[] = [];
  ids.forEach((id, i) => {
    if (known.has(subs[i]!.toString("hex"))) return;
    newSubs.push(subs[i]!);
    ciphers.push(encryptId(ctx.dataKey, id));
  });
  // on conflict: another request may enrol the same person between our lookup and this insert.
  const r = await ctx.pool.query(
    `insert into bdmi.subjects (subject, agency, id_cipher)
     select s, $3, c from unnest($1::bytea[], $2::bytea[]) as t(s, c)
     on conflict (subject) do nothing`,
    [newSubs, ciphers, agency],
  );
  return r.rowCount ?? 0;
}
