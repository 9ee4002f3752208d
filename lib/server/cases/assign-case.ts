import "server-only";
import type { z } from "zod";
import type { TCaseDetail, ZAssignBody } from "../../domain/case-contract";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { applyCaseMove } from "./apply-case-move";

/** Assigns the case to a staff member who works its region (the caller by default, nobody with null), audited. */
export async function assignCase(actor: TActor, caseId: string, body: z.infer<typeof ZAssignBody>, locale: string, opts: { now?: Date } = {}): Promise<TCaseDetail> {
  const to = body.userId === undefined ? actor.userId : body.userId;
  return applyCaseMove(actor, caseId, { kind: "assign" }, {
    version: body.version,
    locale,
    now: opts.now,
    plan: async (c, _r, now, client) => {
      let name: string | null = null;
      if (to) {
        // Whoever works the case must be active staff who work cases and cover its region.
        const { rows } = await client.query<{ display_name: string }>(
          `select u.display_name from users u
            where u.id = $1 and u.disabled_at is null and u.role in ('officer', 'supervisor')
              and exists (select 1 from user_regions r where r.user_id = u.id and $2 like r.region_code || '%')`,
          [to, c.region_code],
        );
        if (!rows[0]) throw AppError.validation([{ path: "body.userId", message: "is not an active officer or supervisor of the case's region" }]);
        name = rows[0].display_name;
      }
      return {
        set: { assigned_to: to, assigned_at: to ? now : null },
        event: { kind: "assigned", data: { from: c.assigned_to, to, toName: name } },
        audit: { action: "case.assign", summary: { assignedFrom: c.assigned_to, assignedTo: to } },
      };
    },
  });
}
