import { z } from "zod";
import { startRollImport } from "@/lib/server/imports/start-roll-import";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "roll.import",
  schemas: { body: z.object({ fileName: z.string().trim().min(1).max(255), size: z.number().int().min(1, "the file is empty") }) },
  status: 201,
  handler: ({ actor, body }) => startRollImport(actor, body),
});
