import { describe, expect, it } from "vitest";
import { noticeFonts } from "./notice-font";
import { maskNationalId, newNoticeDocument, NoticeWriter, type TNoticeSize } from "./notice-layout";
import { checkTokenExpiry, qrMatrix } from "./notice-qr";
import { pdfBuffer, pdfWebStream } from "./notice-stream";
import { dateText, periodText, yuanText } from "./notice-text";
import { KIOSKS_LISTED, renderCheckNotice, type TCheckNoticeData } from "./render-check-notice";
import { renderSuspensionNotice, type TSuspensionNoticeData } from "./render-suspension-notice";

// The pure parts of the notices: the renderers on the longest data they can get (one page, nothing
// cut), the wording helpers, the token's expiry, and the stream's backpressure.

const pages = (pdf: Buffer) => pdf.toString("latin1").match(/\/Type \/Page(?![s\w])/g)?.length ?? 0;
const LONG = "政务服务中心综合自助服务区东侧第二排".repeat(3);
const county = { name: "黔南布依族苗族自治州都匀经济开发区", nameEn: "Qiannan Buyei and Miao Autonomous Prefecture Duyun Economic Development Zone" };

function checkData(size: TNoticeSize, reason: TCheckNoticeData["reason"]): TCheckNoticeData {
  return {
    name: "欧阳阿依古丽·买买提热合曼",
    maskedId: "5201**********123X",
    dueOn: "2026-12-31",
    reason,
    cohortAge: 80,
    county,
    kiosks: Array.from({ length: KIOSKS_LISTED[size] }, (_, i) => ({ name: `${LONG}${i}`, location: LONG })),
    moreKiosks: 12,
    reference: "K-2026-11-3F9A2C1B",
    qr: qrMatrix(`v1.${"x".repeat(160)}.${"y".repeat(43)}`),
    validUntil: "2027-01-30",
    printedOn: "2026-11-24",
  };
}

function holdData(size: TNoticeSize, cause: TSuspensionNoticeData["cause"]): TSuspensionNoticeData {
  return {
    name: "欧阳阿依古丽·买买提热合曼",
    maskedId: "5201**********123X",
    kind: cause === "deceased" ? "terminated" : "suspended",
    cause,
    startPeriod: "2026-12",
    monthlyFen: 9_999_999_99n,
    county,
    appealDays: 60,
    appealBy: "2027-01-23",
    kiosks: Array.from({ length: size === "A4" ? 3 : 2 }, (_, i) => ({ name: `${LONG}${i}`, location: LONG })),
    reference: "C-3F9A2C1B",
    printedOn: "2026-11-24",
  };
}

// Loading the 19 MB font collection and laying out CJK text takes seconds on a busy machine.
describe("renderers", { timeout: 60_000 }, () => {
  for (const size of ["A4", "A5"] as const) {
    it(`fits a check notice on one ${size} page with the longest names, places and the most kiosks listed`, async () => {
      for (const reason of ["suspected", "cohort", "officer"] as const) {
        let result = { overflowed: true };
        const pdf = await pdfBuffer(newNoticeDocument(noticeFonts(), "t"), (doc) => (result = renderCheckNotice(doc, size, checkData(size, reason))));
        expect(result.overflowed, reason).toBe(false);
        expect(pages(pdf)).toBe(1);
      }
    });

    it(`fits a suspension or termination notice on one ${size} page`, async () => {
      for (const cause of ["unverified", "deceased", "sentenced"] as const) {
        let result = { overflowed: true };
        const pdf = await pdfBuffer(newNoticeDocument(noticeFonts(), "t"), (doc) => (result = renderSuspensionNotice(doc, size, holdData(size, cause))));
        expect(result.overflowed, cause).toBe(false);
        expect(pages(pdf)).toBe(1);
      }
    });
  }

  it("reports text it had to cut rather than spilling onto a second page", async () => {
    let overflowed = false;
    const pdf = await pdfBuffer(newNoticeDocument(noticeFonts(), "t"), (doc) => {
      const w = new NoticeWriter(doc, "A5");
      for (let i = 0; i < 40; i++) w.bi({ zh: LONG, en: "A long line of English text that wraps." });
      overflowed = w.overflowed;
    });
    expect(overflowed).toBe(true);
    expect(pages(pdf)).toBe(1);
  });
});

describe("wording", () => {
  it("masks all but the first and last four digits, formats money from fen and dates in both languages", () => {
    expect(maskNationalId("5201", "123X")).toBe("5201**********123X");
    expect(yuanText(320050n)).toBe("¥3,200.50");
    expect(yuanText(5n)).toBe("¥0.05");
    expect(yuanText(123456789012n)).toBe("¥1,234,567,890.12");
    expect(periodText("2027-01")).toEqual({ zh: "2027年1月", en: "January 2027" });
    expect(dateText("2026-12-31")).toEqual({ zh: "2026年12月31日", en: "31 December 2026" });
  });

  it("lets the QR token run to the end of the last day of grace, China time", () => {
    expect(checkTokenExpiry("2026-12-31", 30).toISOString()).toBe("2027-01-30T16:00:00.000Z");
    expect(checkTokenExpiry("2026-12-31", 0).toISOString()).toBe("2026-12-31T16:00:00.000Z");
  });
});

describe("the batch stream", () => {
  it("stops drawing while nobody reads, and delivers every page once read", async () => {
    const total = 120;
    let drawn = 0;
    const doc = newNoticeDocument(noticeFonts(), "t");
    const stream = pdfWebStream(
      doc,
      async (d, drain) => {
        for (let i = 0; i < total; i++) {
          renderCheckNotice(d, "A5", { ...checkData("A5", "cohort"), qr: qrMatrix(`v1.${i}.${"z".repeat(200)}`) });
          drawn++;
          await drain();
        }
      },
      {},
      // ~7 KB a page: the producer must wait after a few pages.
      { highWater: 32 * 1024 },
    );
    await new Promise((r) => setTimeout(r, 300));
    const stalledAt = drawn;
    expect(stalledAt).toBeGreaterThan(0);
    expect(stalledAt).toBeLessThan(20);
    await new Promise((r) => setTimeout(r, 300));
    expect(drawn).toBe(stalledAt);
    const parts: Uint8Array[] = [];
    for await (const c of stream as unknown as AsyncIterable<Uint8Array>) parts.push(c);
    const pdf = Buffer.concat(parts);
    expect(drawn).toBe(total);
    expect(pages(pdf)).toBe(total);
  }, 60_000);
});
