import { z } from "zod";
import { ZPage } from "@/lib/server/schemas";
import { createUser } from "@/lib/server/users/create-user";
import { listUsers } from "@/lib/server/users/list-users";
import { ZCreateUser } from "@/lib/server/users/user-schemas";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "users.manage",
  schemas: { query: ZPage.extend({ search: z.string().max(100).optional() }) },
  handler: ({ actor, query }) => listUsers(actor, query),
});

/** Creates a staff account; the answer carries its one-time password, shown this once. */
export const POST = withRoute({
  permission: "users.manage",
  status: 201,
  schemas: { body: ZCreateUser },
  handler: ({ actor, body }) => createUser(actor, body),
});
