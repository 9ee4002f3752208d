import { ZRegionNoticesQuery } from "@/lib/server/notices/notice-schemas";
import { countRegionNotices } from "@/lib/server/notices/print-region-notices";
import { withRoute } from "@/lib/server/with-route";

// GET /api/v1/notices/batch-summary?region=&period=YYYY-MM → how many notices the region's batch would print (JSON; nothing printed).
export const GET = withRoute({
  permission: "notices.print",
  schemas: { query: ZRegionNoticesQuery.omit({ size: true }) },
  handler: ({ actor, query }) => countRegionNotices(actor, query),
});
