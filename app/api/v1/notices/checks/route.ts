import { pdfResponse } from "@/lib/server/notices/pdf-response";
import { ZRegionNoticesQuery } from "@/lib/server/notices/notice-schemas";
import { printRegionNotices } from "@/lib/server/notices/print-region-notices";
import { withRoute } from "@/lib/server/with-route";

// GET /api/v1/notices/checks?region=&period=YYYY-MM&size=A4|A5 → one PDF of every open check's notice (streamed).
export const GET = withRoute({
  permission: "notices.print",
  schemas: { query: ZRegionNoticesQuery },
  handler: async ({ actor, query, requestId }) => {
    const { stream, fileName, count } = await printRegionNotices(actor, query);
    const res = pdfResponse(stream, fileName, requestId, "attachment");
    res.headers.set("x-notice-count", String(count));
    return res;
  },
});
