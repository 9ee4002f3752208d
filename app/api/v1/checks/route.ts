import { listKioskChecks, ZChecksQuery } from "@/lib/server/checks/list-kiosk-checks";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "checks.read",
  schemas: { query: ZChecksQuery },
  handler: ({ actor, query }) => listKioskChecks(actor, query),
});
