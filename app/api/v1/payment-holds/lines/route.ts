import { listPaymentHolds, ZPaymentHoldsListQuery } from "@/lib/server/payments/list-payment-holds";
import { requestLocale } from "@/lib/server/request-locale";
import { withRoute } from "@/lib/server/with-route";

/** The staff view of a period (masked ID numbers, offset pages): GET /api/v1/payment-holds/lines?period=&page=&pageSize= */
export const GET = withRoute({
  permission: "payments.export",
  schemas: { query: ZPaymentHoldsListQuery },
  handler: ({ actor, query, request }) => listPaymentHolds(actor, query, requestLocale(request)),
});
