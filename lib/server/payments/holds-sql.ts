import "server-only";
import type pg from "pg";

// The one definition of "held in period P" that the API, the page and the CSV share, so their
// totals agree by construction. A hold is in force in P when start_period <= P and it was not
// lifted by P (lifted_period is null or later than P); arrears due in P are payment_arrears rows
// with due_period = P. Every query is scoped by region_code LIKE ANY(patterns).

export const IN_FORCE = (h: string, period: string) => `(${h}.start_period <= ${period} and (${h}.lifted_period is null or ${h}.lifted_period > ${period}))`;

export type THoldTotals = {
  /** Pensioners with a hold in force in the period. */
  heldPensioners: number;
  /** Sum of the monthly amounts held in the period (fen, decimal string). */
  heldFen: string;
  /** Arrears rows (held months) due in the period. */
  arrearsCount: number;
  arrearsPensioners: number;
  arrearsFen: string;
};

/** Totals of a period within the scope patterns. */
export async function holdTotals(client: pg.PoolClient, patterns: string[], period: string): Promise<THoldTotals> {
  const { rows } = await client.query<{ held_pensioners: string; held_fen: string; arrears_count: string; arrears_pensioners: string; arrears_fen: string }>(
    `select h.held_pensioners, h.held_fen, a.arrears_count, a.arrears_pensioners, a.arrears_fen
       from (select count(distinct pensioner_id) as held_pensioners, coalesce(sum(monthly_fen), 0)::text as held_fen
               from payment_holds h where h.region_code like any($1) and ${IN_FORCE("h", "$2")}) h,
            (select count(*) as arrears_count, count(distinct pensioner_id) as arrears_pensioners, coalesce(sum(amount_fen), 0)::text as arrears_fen
               from payment_arrears a where a.due_period = $2 and a.region_code like any($1)) a`,
    [patterns, period],
  );
  const r = rows[0]!;
  return {
    heldPensioners: Number(r.held_pensioners),
    heldFen: r.held_fen,
    arrearsCount: Number(r.arrears_count),
    arrearsPensioners: Number(r.arrears_pensioners),
    arrearsFen: r.arrears_fen,
  };
}

/** One line of the staff statement: a hold in force in the period, or a lifted hold with arrears due in it. */
export type TStatementRow = {
  holdId: string;
  pensionerId: string;
  regionCode: string;
  name: string;
  idPrefix: string;
  idSuffix: string;
  kind: "suspended" | "terminated";
  cause: "deceased" | "unverified" | "sentenced";
  monthlyFen: string;
  startPeriod: string;
  liftedPeriod: string | null;
  inForce: boolean;
  /** The monthly amount when in force this period, else 0. */
  heldFen: string;
  arrearsDueFen: string;
};

const STATEMENT = `
  with due as (
    select hold_id, sum(amount_fen) as fen from payment_arrears
     where due_period = $2 and region_code like any($1) group by hold_id
  ), rows as (
    select h.id, h.pensioner_id, h.region_code, h.kind, h.cause, h.monthly_fen, h.start_period, h.lifted_period,
           ${IN_FORCE("h", "$2")} as in_force, coalesce(d.fen, 0) as arrears_fen
      from payment_holds h left join due d on d.hold_id = h.id
     where h.region_code like any($1) and (${IN_FORCE("h", "$2")} or d.hold_id is not null)
  )
  select r.id::text as "holdId", r.pensioner_id::text as "pensionerId", r.region_code as "regionCode", p.name,
         p.id_prefix as "idPrefix", p.id_suffix as "idSuffix", r.kind, r.cause, r.monthly_fen::text as "monthlyFen",
         r.start_period as "startPeriod", r.lifted_period as "liftedPeriod", r.in_force as "inForce",
         (case when r.in_force then r.monthly_fen else 0 end)::text as "heldFen", r.arrears_fen::text as "arrearsDueFen"
         %TOTAL%
    from rows r join pensioners p on p.id = r.pensioner_id
   order by r.region_code, p.name, r.id`;

/** Every statement line of a period in order, for a cursor ($1 scope patterns, $2 period): no window, so rows flow as they are found. */
export const STATEMENT_SQL = STATEMENT.replace("%TOTAL%", "");
const STATEMENT_PAGE = STATEMENT.replace("%TOTAL%", `, count(*) over () as "total"`);

/** How many statement lines a period has. */
export async function statementCount(client: pg.PoolClient, patterns: string[], period: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`select count(*) as n from (${STATEMENT_SQL}) s`, [patterns, period]);
  return Number(rows[0]!.n);
}

/** The statement lines of a period, a page at a time (offset paging: people page through it); all of them without a page. */
export async function statementRows(
  client: pg.PoolClient,
  patterns: string[],
  period: string,
  page?: { limit: number; offset: number },
): Promise<{ rows: TStatementRow[]; total: number }> {
  const sql = page ? `${STATEMENT_PAGE} limit $3 offset $4` : STATEMENT_PAGE;
  const { rows } = await client.query<TStatementRow & { total: string }>(sql, page ? [patterns, period, page.limit, page.offset] : [patterns, period]);
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && page && page.offset > 0) {
    total = await statementCount(client, patterns, period);
  }
  return { rows: rows.map(({ total: _t, ...r }) => r), total };
}
