import { ZDashboardQuery } from "@/lib/domain/dashboard-contract";
import { getDashboard } from "@/lib/server/dashboard/get-dashboard";
import { withRoute } from "@/lib/server/with-route";

/** GET /api/v1/dashboard?period=YYYY-MM&region=CODE: the supervisors' dashboard from the rollups. */
export const GET = withRoute({
  permission: "dashboard.read",
  schemas: { query: ZDashboardQuery },
  handler: ({ actor, query }) => getDashboard(actor, query),
});
