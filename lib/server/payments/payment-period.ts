import "server-only";
import { z } from "zod";
import { currentPeriod } from "../../domain/period";
import { vmsg } from "../../i18n/validation";
import { AppError } from "../app-error";

const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

export const ZHoldsPeriod = z.string({ message: "is required: a month YYYY-MM" }).regex(PERIOD_RE, "must be a month YYYY-MM, e.g. 2026-11");

/**
 * Payment holds are read (and exported) for the current month or an earlier one: a future month's
 * holds are not yet decided, and a payment system acting on them would stop payments early.
 */
export function assertPeriodBegun(period: string, now = new Date()): void {
  const current = currentPeriod(now);
  if (period > current) {
    throw new AppError("VALIDATION", `The period ${period} has not begun: payment holds can be read only for the current month (${current}) or an earlier one`, {
      fieldErrors: [{ path: "query.period", message: vmsg("periodInFuture") }],
    });
  }
}
