import { z } from "zod";
import { vmsg } from "@/lib/i18n/validation";
import { pdfResponse } from "@/lib/server/notices/pdf-response";
import { printCheckNotice } from "@/lib/server/notices/print-check-notice";
import { ZNoticeSize } from "@/lib/server/notices/notice-schemas";
import { withRoute } from "@/lib/server/with-route";

// GET /api/v1/notices/checks/:checkId?size=A4|A5 → the check notice of one open kiosk check (application/pdf, inline).
export const GET = withRoute({
  permission: "notices.print",
  schemas: { params: z.object({ checkId: z.uuid({ message: vmsg("uuid") }) }), query: z.object({ size: ZNoticeSize }) },
  handler: async ({ actor, params, query, requestId }) => {
    const { pdf, fileName } = await printCheckNotice(actor, params.checkId, query.size);
    return pdfResponse(pdf, fileName, requestId);
  },
});
