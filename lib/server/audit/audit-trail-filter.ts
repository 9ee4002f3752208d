import "server-only";
import { z } from "zod";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { scopePatterns } from "../regions/scope";

const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: vmsg("dateFormat") });
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v);

/** The audit viewer's filters: actor (username), action (prefix), pensioner id, days (bureau time, inclusive). */
export const ZAuditTrailFilter = z.object({
  actor: z.preprocess(blankToUndefined, z.string().max(100, { message: vmsg("tooLong", { max: 100 }) }).optional()),
  action: z.preprocess(blankToUndefined, z.string().max(100, { message: vmsg("tooLong", { max: 100 }) }).optional()),
  pensionerId: z.preprocess(blankToUndefined, z.uuid({ message: vmsg("uuid") }).optional()),
  from: z.preprocess(blankToUndefined, ZDay.optional()),
  to: z.preprocess(blankToUndefined, ZDay.optional()),
});
export type TAuditTrailFilter = z.infer<typeof ZAuditTrailFilter>;

/** Days are the bureau's (China Standard Time, no DST), stored instants are UTC. */
export const BUREAU_TIME_ZONE = "Asia/Shanghai";

/**
 * The WHERE clause for events the actor may see that match the filter, with its parameters.
 * Region scoping: an event with a region is visible within that region's scope; an event without
 * one (sign-ins, user administration, system work) only to someone scoped to a whole province.
 */
export function auditTrailWhere(actor: TActor, f: TAuditTrailFilter, alias = "e"): { sql: string; params: unknown[] } {
  const params: unknown[] = [scopePatterns(actor.regions), actor.regions.some((r) => r.length <= 2)];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = [`(${alias}.region_code like any($1::text[]) or (${alias}.region_code is null and $2::boolean))`];
  if (f.actor) where.push(`${alias}.actor_id in (select id from users where username = ${p(f.actor)})`);
  if (f.action) where.push(`${alias}.action like ${p(f.action.replace(/[%_\\]/g, "\\$&") + "%")}`);
  if (f.pensionerId) where.push(`${alias}.target_type = 'pensioner' and ${alias}.target_id = ${p(f.pensionerId)}`);
  if (f.from) where.push(`${alias}.at >= (${p(f.from)}::date)::timestamp at time zone '${BUREAU_TIME_ZONE}'`);
  if (f.to) where.push(`${alias}.at < ((${p(f.to)}::date) + 1)::timestamp at time zone '${BUREAU_TIME_ZONE}'`);
  return { sql: where.join(" and "), params };
}
