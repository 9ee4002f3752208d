import "server-only";
import { pool } from "../../db/client";
import type { TPensionerView } from "../../domain/pensioner";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { isUuid } from "../schemas";
import { scopePatterns } from "../regions/scope";
import { regionNames } from "../regions/region-names";
import { PENSIONER_VIEW_COLUMNS, fromViewColumns, toPensionerView } from "./pensioner-view";

// The read and its audit event in one statement: the event is written only for a row found, and
// nothing is returned unless it was (one round trip where Prisma took two; bench/notes/load.md).
// The event's columns are those recordAudit writes.
const READ_SQL = `with p as (select ${PENSIONER_VIEW_COLUMNS} from pensioners where id = $1 and region_code like any($2)),
  a as (insert into audit_events (actor_id, actor_role, action, target_type, target_id, region_code, request_id, ip)
        select $3::uuid, $4, 'pensioner.read', 'pensioner', p.id, p."regionCode", $5, $6 from p)
  select * from p`;

/**
 * A pensioner in the caller's regions; 404 alike for unknown ids and other regions' pensioners.
 * Opening one is a read of personal data (PIPL): it is audited, and nothing is shown if it is not.
 */
export async function getPensioner(actor: TActor, id: string, locale: string): Promise<TPensionerView> {
  if (!isUuid(id)) throw AppError.notFound("Pensioner");
  const { rows } = await pool().query(READ_SQL, [id, scopePatterns(actor.regions), actor.userId, actor.role, actor.requestId, actor.ip]);
  if (!rows[0]) throw AppError.notFound("Pensioner");
  return toPensionerView(fromViewColumns(rows[0]), await regionNames(locale));
}
