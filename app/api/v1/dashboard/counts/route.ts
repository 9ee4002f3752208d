import { countPensionersByRegion } from "@/lib/server/dashboard/count-pensioners";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "dashboard.read",
  handler: ({ actor }) => countPensionersByRegion(actor),
});
