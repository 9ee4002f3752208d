import { revokeApiToken } from "@/lib/server/api-tokens/revoke-api-token";
import { ZIdParams } from "@/lib/server/schemas";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "apiTokens.manage",
  schemas: { params: ZIdParams },
  handler: ({ actor, params }) => revokeApiToken(actor, params.id),
});
