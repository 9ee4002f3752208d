import "server-only";
import { pool, prisma } from "../../db/client";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { allRegions } from "../regions/region-names";
import { inScope } from "../regions/scope";
import { CHECK_NOTICE_SELECT, checkNoticeBuilder, OPEN_CHECK_STATUSES, type TCheckNoticeRow } from "./check-notice-data";
import { noticeFonts } from "./notice-font";
import { newNoticeDocument } from "./notice-layout";
import type { TRegionNoticesQuery } from "./notice-schemas";
import { pdfWebStream } from "./notice-stream";
import { renderCheckNotice } from "./render-check-notice";

/** Rows read per keyset page while streaming. */
const SLICE = 200;
/** Pages drawn between yields to the event loop (~4 ms each). */
const YIELD_EVERY = 8;

// Open checks of a region and month, of pensioners a kiosk still serves (not terminated).
const WHERE = `c.period = $1 and c.region_code like $2 and c.status::text = any($3) and p.payment_status <> 'terminated'`;

/** The batch's rows in print order (county, then name), one keyset page at a time: no OFFSET, no long-held cursor. */
export async function* openCheckRows(q: Pick<TRegionNoticesQuery, "region" | "period">, slice = SLICE): AsyncGenerator<TCheckNoticeRow[]> {
  let after: [string, string, string] | null = null;
  for (;;) {
    const { rows }: { rows: TCheckNoticeRow[] } = await pool().query<TCheckNoticeRow>(
      `select ${CHECK_NOTICE_SELECT}
         from kiosk_checks c join pensioners p on p.id = c.pensioner_id
        where ${WHERE} ${after ? "and (c.region_code, p.name, c.id) > ($5, $6, $7::uuid)" : ""}
        order by c.region_code, p.name, c.id
        limit $4`,
      [q.period, `${q.region}%`, OPEN_CHECK_STATUSES, slice, ...(after ?? [])],
    );
    if (rows.length) yield rows;
    if (rows.length < slice) return;
    const last: TCheckNoticeRow = rows.at(-1)!;
    after = [last.region_code, last.name, last.id];
  }
}

async function regionOf(actor: TActor, region: string) {
  const r = (await allRegions()).find((x) => x.code === region && x.level !== "province");
  if (!r) throw AppError.validation([{ path: "query.region", message: vmsg("regionUnknown") }]);
  if (!inScope(region, actor.regions)) throw AppError.validation([{ path: "query.region", message: vmsg("regionOutOfScope") }]);
  return r;
}

/** How many notices a region's batch for a month would print (nothing is printed or audited). */
export async function countRegionNotices(actor: TActor, q: Omit<TRegionNoticesQuery, "size">): Promise<{ region: string; name: string; nameEn: string; period: string; count: number }> {
  const r = await regionOf(actor, q.region);
  const { rows } = await pool().query<{ n: string }>(
    `select count(*) as n from kiosk_checks c join pensioners p on p.id = c.pensioner_id where ${WHERE}`,
    [q.period, `${q.region}%`, OPEN_CHECK_STATUSES],
  );
  return { region: r.code, name: r.name, nameEn: r.nameEn, period: q.period, count: Number(rows[0]!.n) };
}

/**
 * One PDF with a check notice per open check of a region (in the caller's scope) and month, by
 * county then name. The print is audited with its count before the first byte; the rows are read
 * in keyset pages and drawn at the pace the client downloads, so a batch of any size streams. A
 * failure part-way errors the stream (the download fails, it never ends as a shorter PDF) and is
 * audited as notice.print_failed with the number of notices drawn.
 */
export async function printRegionNotices(
  actor: TActor,
  q: TRegionNoticesQuery,
  /** `rows` replaces the batch's row source (tests make it fail part-way). */
  opts: { slice?: number; rows?: typeof openCheckRows } = {},
): Promise<{ stream: ReadableStream<Uint8Array>; count: number; fileName: string }> {
  const fonts = noticeFonts();
  const { count, name } = await countRegionNotices(actor, q);
  if (count === 0) throw new AppError("NOT_FOUND", `No open kiosk checks in ${name} (${q.region}) for ${q.period}: there is nothing to print`);
  await prisma().$transaction(async (tx) => {
    await recordAudit(tx, actor, {
      action: "notice.print",
      targetType: "region",
      targetId: q.region,
      regionCode: q.region,
      summary: { kind: "check", count, region: q.region, period: q.period, size: q.size },
    });
  });
  const build = checkNoticeBuilder(q.size);
  const doc = newNoticeDocument(fonts, `养老保险待遇领取资格认证通知 ${q.region} ${q.period}`);
  let drawn = 0;
  const stream = pdfWebStream(
    doc,
    async (d, drain) => {
      for await (const rows of (opts.rows ?? openCheckRows)(q, opts.slice ?? SLICE)) {
        for (const row of rows) {
          renderCheckNotice(d, q.size, await build(row));
          // A page is a few milliseconds of synchronous drawing: yield every few pages so the
          // server keeps answering other requests, and wait there while the client is behind.
          if (++drawn % YIELD_EVERY === 0) await drain();
        }
        await drain();
      }
      // Counted, then all closed before the first page: fail the download rather than send a PDF with no page.
      if (drawn === 0) throw new Error("the region's open checks were all closed while the batch was being printed");
    },
    { region: q.region, period: q.period, requestId: actor.requestId },
    {
      // The trail says the batch was printed with its count: it also says when it broke off, and
      // after how many notices, so nobody takes the print for complete (the log has the error).
      onFailure: () =>
        prisma().$transaction(async (tx) => {
          await recordAudit(tx, actor, {
            action: "notice.print_failed",
            targetType: "region",
            targetId: q.region,
            regionCode: q.region,
            summary: { kind: "check", count, drawn, region: q.region, period: q.period, size: q.size },
          });
        }),
    },
  );
  return { stream, count, fileName: `check-notices-${q.region}-${q.period}-${q.size}.pdf` };
}
