import "server-only";
import { isPeriod } from "../../bdmi/survival-model";
import { pgTx } from "../../db/pg-tx";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAuditBulk } from "../audit/record-audit-bulk";


/**
 * Detaches a closed month's partitions of the large tables (never the audit trail's), so that the
 * bureau can archive them (pg_dump -t <table>_YYYY_MM) and drop them; the month's rows leave every
 * page and report. PostgreSQL refuses (and nothing changes) for this month and the last, and while
 * the month has open cases, undecided checks or unsettled fees. Audited in the same transaction.
 */
export async function detachPeriodPartitions(actor: TActor, period: string): Promise<string[]> {
  if (!isPeriod(period)) throw AppError.validation([{ path: "period", message: "period must be YYYY-MM" }]);
  return pgTx(async (client) => {
    let detached: string[];
    try {
      detached = (await client.query<{ made: string[] }>(`select detach_period_partitions($1) as made`, [period])).rows[0]?.made ?? [];
    } catch (e) {
      if ((e as { code?: string }).code === "55000") throw new AppError("CONFLICT", (e as Error).message);
      throw e;
    }
    await recordAuditBulk(client, actor, "partitions.detach", "period", [{ targetId: period, regionCode: null, summary: { period, detached } }]);
    return detached;
  });
}
