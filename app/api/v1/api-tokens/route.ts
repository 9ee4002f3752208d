import { createApiToken, ZApiTokenCreate } from "@/lib/server/api-tokens/create-api-token";
import { listApiTokens, ZApiTokenQuery } from "@/lib/server/api-tokens/list-api-tokens";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "apiTokens.manage",
  schemas: { query: ZApiTokenQuery },
  handler: ({ actor, query }) => listApiTokens(actor, query),
});

/** Creates a token; the answer carries the token itself, shown this once. */
export const POST = withRoute({
  permission: "apiTokens.manage",
  schemas: { body: ZApiTokenCreate },
  status: 201,
  handler: async ({ actor, body }) => {
    const r = await createApiToken(actor, body);
    return Response.json(r, { status: 201, headers: { "cache-control": "no-store" } });
  },
});
