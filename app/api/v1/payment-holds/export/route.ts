import { z } from "zod";
import { exportPaymentHolds } from "@/lib/server/payments/export-payment-holds";
import { ZHoldsPeriod } from "@/lib/server/payments/payment-period";
import { requestLocale } from "@/lib/server/request-locale";
import { withRoute } from "@/lib/server/with-route";

/** GET /api/v1/payment-holds/export?period=YYYY-MM → text/csv (UTF-8 with BOM), streamed; audited as payment_holds.export. */
export const GET = withRoute({
  permission: "payments.export",
  schemas: { query: z.object({ period: ZHoldsPeriod }) },
  handler: async ({ actor, query, request, requestId }) => {
    const r = await exportPaymentHolds(actor, query.period, requestLocale(request));
    return new Response(r.stream, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${r.fileName}"`,
        "cache-control": "no-store",
        "x-request-id": requestId,
      },
    });
  },
});
