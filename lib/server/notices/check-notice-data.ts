import "server-only";
import { checkReference } from "../../domain/check-reference";
import { pool } from "../../db/client";
import { env } from "../../env.js";
import { todayCst } from "../checks/list-kiosk-checks";
import { allRegions } from "../regions/region-names";
import { maskNationalId, type TNoticeSize } from "./notice-layout";
import { checkNoticeToken, qrMatrix } from "./notice-qr";
import type { TPlace } from "./notice-text";
import { KIOSKS_LISTED, type TCheckNoticeData } from "./render-check-notice";

// What the check-notice use cases share: the row they read, and turning it into the renderer's
// plain data (county names, the kiosks that serve the county, the signed QR token).

/** The columns a check notice needs; `select` lists them for both the single and the batch query. */
export type TCheckNoticeRow = {
  id: string;
  pensioner_id: string;
  region_code: string;
  period: string;
  reason: "suspected" | "cohort" | "officer";
  status: string;
  due_on: string;
  name: string;
  id_prefix: string;
  id_suffix: string;
  payment_status: string;
  cohort_min_age: number | null;
};

export const CHECK_NOTICE_SELECT = `c.id, c.pensioner_id, c.region_code, c.period, c.reason::text as reason, c.status::text as status,
  to_char(c.due_on, 'YYYY-MM-DD') as due_on, p.name, p.id_prefix, p.id_suffix, p.payment_status::text as payment_status,
  (select r.cohort_min_age from monthly_runs r where r.id = c.run_id) as cohort_min_age`;

export const OPEN_CHECK_STATUSES = ["scheduled", "in_progress"];


type TKiosk = { name: string; location: string };

/**
 * The kiosks that serve a county's pensioners: devices of the county itself, its city or the
 * province (a kiosk identifies within its own region by prefix), enrolled and not revoked, nearest first.
 */
export async function servingKiosks(county: string): Promise<TKiosk[]> {
  const { rows } = await pool().query<TKiosk>(
    `select name, location from kiosk_devices
      where revoked_at is null and token_hash is not null and $1 like region_code || '%'
      order by length(region_code) desc, name, id`,
    [county],
  );
  return rows;
}

/** Builds notice data for rows of one request; county names and kiosk lists are read once per county. */
export function checkNoticeBuilder(size: TNoticeSize, now = new Date()) {
  const kiosks = new Map<string, Promise<TKiosk[]>>();
  const printedOn = todayCst(now);
  let regions: Promise<Map<string, TPlace>> | null = null;
  const place = async (code: string): Promise<TPlace> => {
    regions ??= allRegions().then((all) => new Map(all.map((r) => [r.code, { name: r.name, nameEn: r.nameEn }])));
    return (await regions).get(code) ?? { name: code, nameEn: code };
  };
  const kiosksOf = (county: string) => {
    let k = kiosks.get(county);
    if (!k) kiosks.set(county, (k = servingKiosks(county)));
    return k;
  };
  return async (row: TCheckNoticeRow): Promise<TCheckNoticeData> => {
    const all = await kiosksOf(row.region_code);
    const listed = all.slice(0, KIOSKS_LISTED[size]);
    const { token, expiresAt } = checkNoticeToken({ pensionerId: row.pensioner_id, checkId: row.id, dueOn: row.due_on });
    return {
      name: row.name,
      maskedId: maskNationalId(row.id_prefix, row.id_suffix),
      dueOn: row.due_on,
      reason: row.reason,
      cohortAge: row.cohort_min_age ?? env.RUN_COHORT_MIN_AGE,
      county: await place(row.region_code),
      kiosks: listed,
      moreKiosks: all.length - listed.length,
      reference: checkReference(row),
      qr: qrMatrix(token),
      // The token expires at the start of this day (CST); the last valid day is the one before.
      validUntil: todayCst(new Date(expiresAt.getTime() - 1)),
      printedOn,
    };
  };
}
