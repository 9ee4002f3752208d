import { readPaymentHolds, ZPaymentHoldsQuery } from "@/lib/server/payments/read-payment-holds";
import { withApiTokenRoute } from "@/lib/server/with-api-token-route";

/**
 * The payment system's interface: GET /api/v1/payment-holds?period=YYYY-MM[&cursor=&limit=] with
 * `Authorization: Bearer <API token>` holding the scope payment-holds.read. Every call is audited.
 */
export const GET = withApiTokenRoute({
  scope: "payment-holds.read",
  schemas: { query: ZPaymentHoldsQuery },
  handler: ({ actor, query }) => readPaymentHolds(actor, query),
});
