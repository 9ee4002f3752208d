import { z } from "zod";
import { vmsg } from "@/lib/i18n/validation";
import { pdfResponse } from "@/lib/server/notices/pdf-response";
import { ZNoticeSize } from "@/lib/server/notices/notice-schemas";
import { printSuspensionNotice } from "@/lib/server/notices/print-suspension-notice";
import { withRoute } from "@/lib/server/with-route";

// GET /api/v1/notices/cases/:caseId/suspension?size=A4|A5 → the suspension (or termination) notice of a case whose hold is in force.
export const GET = withRoute({
  permission: "notices.print",
  schemas: { params: z.object({ caseId: z.uuid({ message: vmsg("uuid") }) }), query: z.object({ size: ZNoticeSize }) },
  handler: async ({ actor, params, query, requestId }) => {
    const { pdf, fileName } = await printSuspensionNotice(actor, params.caseId, query.size);
    return pdfResponse(pdf, fileName, requestId);
  },
});
