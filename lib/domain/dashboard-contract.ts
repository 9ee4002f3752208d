// The supervisors' dashboard API (issue 6): GET /api/v1/dashboard?period=YYYY-MM&region=CODE.
// One response per period and region, built from the rollup tables only. Shared by the route
// (lib/server/dashboard) and the page (components/dashboard). Money in fen and TKY base units is
// sent as decimal strings (bigint-safe); counts are numbers.
import { z } from "zod";

export const ZDashboardQuery = z.object({
  /** The month shown; the trend is the 12 months ending with it. Default: the current period. */
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "YYYY-MM")
    .optional(),
  /** A province, city or county code in the caller's scope; default: the caller's whole scope. */
  region: z
    .string()
    .regex(/^\d{2,6}$/, "a region code")
    .optional(),
});
export type TDashboardQuery = z.infer<typeof ZDashboardQuery>;

const Amount = z.string().regex(/^-?\d+$/);
const ZRegionRef = z.object({ code: z.string(), name: z.string(), nameEn: z.string() });

/** The figures of one region in one month: a breakdown row and a trend point both carry them. */
const figures = {
  savingsFen: Amount,
  holds: z.number().int(),
  checksDue: z.number().int(),
  checksPassed: z.number().int(),
  checksOverdue: z.number().int(),
  /** passed ÷ decided (passed + failed + review + expired); null when nothing was decided. */
  passRate: z.number().nullable(),
  feesBase: Amount,
};

/** A row of a breakdown by the selected region's children (cities of a province, counties of a city). */
export const ZRegionRow = ZRegionRef.extend({
  /** True when the region has children to drill into (a county has none). */
  drillable: z.boolean(),
  ...figures,
});

export const ZTrendPoint = z.object({
  period: z.string(),
  ...figures,
  /** Pensioners confirmed alive by the passive model alone (no kiosk, no officer). */
  passive: z.number().int(),
  /** Kiosk passes: verified without an officer. */
  kioskPassed: z.number().int(),
  /** Cases opened: each needed an officer. */
  officerCases: z.number().int(),
});

export const ZDashboard = z.object({
  period: z.string(),
  /** The selected region, or null for the caller's whole scope. */
  region: ZRegionRef.extend({ level: z.enum(["province", "city", "county"]) }).nullable(),
  /** Root first, the selected region last: the drill-down path back up. */
  breadcrumbs: z.array(ZRegionRef),
  /** When the worker last rebuilt the rollups (null: never; the page says the figures are pending). */
  refreshedAt: z.string().nullable(),
  savings: z.object({
    /** Money not paid in `period` to pensioners stopped for death or failed verification. */
    monthFen: Amount,
    /** monthFen × 12. */
    projectedAnnualFen: Amount,
    /** Since the first stop up to and including `period`. */
    cumulativeFen: Amount,
    holds: z.number().int(),
    byCause: z.array(z.object({ cause: z.string(), kind: z.string(), holds: z.number().int(), monthFen: Amount })),
  }),
  checks: z.object({
    due: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
    review: z.number().int(),
    expired: z.number().int(),
    overdue: z.number().int(),
    inProgress: z.number().int(),
    scheduled: z.number().int(),
    passRate: z.number().nullable(),
    /** Check status mix: [{ status: "passed", n }, …]. */
    statusMix: z.array(z.object({ status: z.string(), n: z.number().int() })),
    /** Kiosk attempts per device in `period`. */
    kioskUsage: z.array(
      z.object({
        deviceId: z.string(),
        name: z.string(),
        regionCode: z.string(),
        attempts: z.number().int(),
        passed: z.number().int(),
        failed: z.number().int(),
        review: z.number().int(),
      }),
    ),
  }),
  fees: z.object({
    /** TKY base units (8 decimals) charged in `period`. */
    amountBase: Amount,
    calls: z.number().int(),
    /** Pensioners verified alive in `period` (passive + kiosk passes). */
    verified: z.number().int(),
    /** amountBase ÷ verified, in base units; null when nobody was verified. */
    costPerVerifiedBase: Amount.nullable(),
    /** The configured price of 1 TKY in fen, used for the return. */
    tkyPriceFen: Amount,
    /** savings.monthFen ÷ (fees in fen); null when no fee was charged. */
    returnRatio: z.number().nullable(),
  }),
  manpower: z.object({
    passive: z.number().int(),
    kioskPassed: z.number().int(),
    officerCases: z.number().int(),
    /** (passive + kioskPassed) ÷ (passive + kioskPassed + officerCases); null when all are 0. */
    noOfficerShare: z.number().nullable(),
  }),
  byRegion: z.array(ZRegionRow),
  /** 12 points, oldest first, ending with `period`. */
  trend: z.array(ZTrendPoint),
});
export type TDashboard = z.infer<typeof ZDashboard>;
export type TRegionRow = z.infer<typeof ZRegionRow>;
export type TTrendPoint = z.infer<typeof ZTrendPoint>;
