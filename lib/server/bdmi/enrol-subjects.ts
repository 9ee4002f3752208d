import "server-only";
import { pool } from "../../db/client";
import { MAX_SUBJECTS_PER_REQUEST } from "../../bdmi/contract";
import { decryptPii } from "../pensioners/pii-crypto";
import type { TBdmiClient } from "./bdmi-client";

export type TEnrolJob = { importId?: string; pensionerIds?: string[] };

/**
 * Tells BDMI which people are on the roll, so the evidence its sources send about them is kept
 * before their first assessment (BDMI ignores evidence about people on no agency's roll).
 * Idempotent: enrolling someone twice changes nothing. Throws BDMI_UNAVAILABLE for the job to retry.
 */
export async function enrolSubjects(job: TEnrolJob, bdmi: TBdmiClient): Promise<{ sent: number; added: number }> {
  const { rows } = await pool().query<{ id_cipher: Buffer; id_key_version: number }>(
    `select id_cipher, id_key_version from pensioners
      where payment_status <> 'terminated' and (import_id = $1::uuid or id = any($2::uuid[]))`,
    [job.importId ?? null, job.pensionerIds ?? []],
  );
  let added = 0;
  for (let i = 0; i < rows.length; i += MAX_SUBJECTS_PER_REQUEST) {
    const ids = rows.slice(i, i + MAX_SUBJECTS_PER_REQUEST).map((r) => decryptPii(r.id_cipher, r.id_key_version));
    added += (await bdmi.enrolSubjects(ids)).added;
  }
  return { sent: rows.length, added };
}
