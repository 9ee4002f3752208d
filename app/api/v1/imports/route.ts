import { z } from "zod";
import { vmsg } from "@/lib/i18n/validation";
import { startRollImport } from "@/lib/server/imports/start-roll-import";
import { withRoute } from "@/lib/server/with-route";

export const POST = withRoute({
  permission: "roll.import",
  schemas: { body: z.object({ fileName: z.string().trim().min(1, vmsg("required")).max(255, vmsg("tooLong", { max: 255 })), size: z.number().int().min(1, vmsg("fileEmpty")) }) },
  status: 201,
  handler: ({ actor, body }) => startRollImport(actor, body),
});
