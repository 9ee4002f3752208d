import "server-only";
import { prisma } from "../../db/client";
import type { TPensionerUpdate, TPensionerView } from "../../domain/pensioner";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { inScope, scopeWhere } from "../regions/scope";
import { countyCodes, regionNames } from "../regions/region-names";
import { pensionerViewSelect, toPensionerView } from "./pensioner-view";

// Personal fields are audited by name only: the audit trail must not become a copy of the roll.
const PERSONAL = new Set(["name", "address", "phone"]);

/** Edits a pensioner of the caller's regions; a stale version is refused (409) rather than overwritten. */
export async function updatePensioner(actor: TActor, id: string, u: TPensionerUpdate, locale: string): Promise<TPensionerView> {
  if (u.regionCode !== undefined && (!(await countyCodes()).has(u.regionCode) || !inScope(u.regionCode, actor.regions))) {
    throw AppError.validation([{ path: "body.regionCode", message: vmsg("notInRegion") }]);
  }
  const db = prisma();
  const row = await db.$transaction(async (tx) => {
    const before = await tx.pensioner.findFirst({ where: { id, ...scopeWhere(actor.regions) }, select: pensionerViewSelect });
    if (!before) throw AppError.notFound("Pensioner");
    if (before.version !== u.version) {
      throw new AppError("CONFLICT", "Someone else changed this pensioner; reload and try again");
    }
    const { version: _v, ...fields } = u;
    const data: Record<string, unknown> = {};
    const changes: Record<string, { before?: unknown; after?: unknown }> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      const next = k === "monthlyPensionFen" ? BigInt(v as number) : k === "enrolledOn" ? new Date(v as string) : v;
      const prev = (before as Record<string, unknown>)[k];
      const same = prev instanceof Date ? prev.toISOString().slice(0, 10) === v : prev === next;
      if (same) continue;
      data[k] = next;
      changes[k] = PERSONAL.has(k) ? {} : { before: prev instanceof Date ? prev.toISOString().slice(0, 10) : prev, after: v };
    }
    if (Object.keys(data).length === 0) return before;
    const updated = await tx.pensioner.update({
      where: { id_regionCode: { id, regionCode: before.regionCode }, version: u.version },
      data: { ...data, version: { increment: 1 } },
      select: pensionerViewSelect,
    });
    // A move to another county moves the national ID's claim with it.
    if (data.regionCode !== undefined) {
      const { idHmac } = await tx.pensioner.findFirstOrThrow({ where: { id }, select: { idHmac: true } });
      await tx.pensionerIdentity.update({ where: { idHmac }, data: { regionCode: updated.regionCode }, select: { pensionerId: true } });
    }
    await recordAudit(tx, actor, {
      action: "pensioner.update",
      targetType: "pensioner",
      targetId: id,
      regionCode: updated.regionCode,
      summary: { changed: changes },
    });
    return updated;
  });
  return toPensionerView(row, await regionNames(locale));
}
