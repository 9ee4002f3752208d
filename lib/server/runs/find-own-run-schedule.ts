import "server-only";
import type { TTx } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { inScope, overlapsScope } from "../regions/scope";

/**
 * Locks an active schedule for a change by the caller: one that does not touch her regions is not
 * found (404), one that reaches beyond them is hers to read but not to change (403), and one that
 * moved since she read it (`version`) is stale (409).
 */
export async function lockOwnRunSchedule(tx: TTx, actor: TActor, id: string, version: number | undefined) {
  const rows = await tx.$queryRaw<{ id: string; region_codes: string[]; version: number }[]>`
    select id::text, region_codes, version from run_schedules where id = ${id}::uuid and cancelled_at is null for update`;
  const s = rows[0];
  if (!s || !s.region_codes.some((c) => overlapsScope(c, actor.regions))) throw AppError.notFound("Schedule");
  if (!s.region_codes.every((c) => inScope(c, actor.regions))) throw new AppError("FORBIDDEN", "This schedule covers regions beyond yours");
  if (version !== undefined && version !== s.version) throw new AppError("CONFLICT", "The schedule changed since you opened it; reload and try again");
  return s;
}
