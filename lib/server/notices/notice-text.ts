// The printed wording of the notices: every line in Chinese, with its English beneath. Paper goes
// to pensioners and their families, so the words are plain and never accusatory; the notices are
// always bilingual, whatever the officer's screen language (hence here, not in messages/*.json).

import { yuan } from "../../domain/money";

export type TBi = { zh: string; en: string };

export type TCheckReason = "suspected" | "cohort" | "officer";
export type THoldKind = "suspended" | "terminated";
export type THoldCause = "deceased" | "unverified" | "sentenced";
export type TPlace = { name: string; nameEn: string };

const bi = (zh: string, en: string): TBi => ({ zh, en });

/** ¥3,200.00 from fen (bigint: amounts never pass through a float). */
export const yuanText = (fen: bigint): string => yuan(fen);

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** 2026年11月 / November 2026 */
export function periodText(period: string): TBi {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return bi(`${y}年${m}月`, `${MONTHS[m - 1]} ${y}`);
}

/** 2026年12月31日 / 31 December 2026 */
export function dateText(day: string): TBi {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return bi(`${y}年${m}月${d}日`, `${d} ${MONTHS[m - 1]} ${y}`);
}

export const officeOf = (county: TPlace): TBi => bi(`${county.name}社会保险经办机构`, `the social insurance office of ${county.nameEn}`);

export const T = {
  bureau: (county: TPlace): TBi => bi(`${county.name}社会保险经办机构`, `Social Insurance Office of ${county.nameEn}`),
  checkTitle: bi("养老保险待遇领取资格认证通知", "Pension entitlement verification notice"),
  holdTitle: (kind: THoldKind): TBi =>
    kind === "terminated" ? bi("养老保险待遇终止发放通知", "Notice of termination of pension payment") : bi("养老保险待遇暂停发放通知", "Notice of suspension of pension payment"),

  name: bi("姓名", "Name"),
  idNumber: bi("身份证号", "ID number"),
  dueOn: bi("认证截止日期", "Verify by"),
  reference: bi("参考编号", "Reference"),
  caseReference: bi("案件编号", "Case reference"),
  printedOn: bi("通知日期", "Date of notice"),
  monthly: bi("月发放金额", "Monthly amount"),
  from: (kind: THoldKind): TBi => (kind === "terminated" ? bi("终止发放起始月份", "Stopped from") : bi("暂停发放起始月份", "Suspended from")),

  checkIntro: (due: TBi): TBi =>
    bi(
      `请您于${due.zh}前本人完成一次养老保险待遇领取资格认证。认证免费，几分钟即可完成。`,
      `Please verify your pension entitlement in person by ${due.en}. It is free and takes a few minutes.`,
    ),
  checkReason: (reason: TCheckReason, cohortAge: number): TBi =>
    reason === "cohort"
      ? bi(`年满${cohortAge}周岁的领取人员每月进行一次资格认证，这是例行认证。`, `Pensioners aged ${cohortAge} or over verify once a month; this is a routine check.`)
      : reason === "officer"
        ? bi("社会保险经办人员为您安排了本次认证。", "A social insurance officer has arranged this check for you.")
        : bi(
            "近期的就医、出行等记录未能确认您的领取资格，请您本人认证一次。",
            "Recent records (such as medical visits and travel) could not confirm your entitlement, so we ask you to verify once in person.",
          ),
  whereTitle: bi("请到以下任一地点认证", "Where to go (any of these)"),
  /** Kiosk names and places are the bureau's own words (no English kept): one line, labelled in both languages. */
  kioskLine: (k: { name: string; location: string }): string => `自助终端 Kiosk：${k.name}${k.location ? `（${k.location}）` : ""}`,
  moreKiosks: (n: number): TBi => bi(`以及本地区其他${n}台自助认证终端`, `and ${n} more kiosk${n === 1 ? "" : "s"} in your area`),
  orOffice: (county: TPlace): TBi => bi(`或${officeOf(county).zh}窗口`, `or the counter of ${officeOf(county).en}`),
  bring: bi("请携带：本人居民身份证原件和本通知。", "Please bring your resident ID card (original) and this notice."),
  qrCaption: bi("在自助终端上扫描此二维码", "Scan this code at the kiosk"),
  qrValid: (until: TBi): TBi => bi(`二维码有效期至${until.zh}`, `Valid until ${until.en}`),
  checkLate: bi(
    "逾期未认证的，将由经办人员核实，核实前可能暂停发放养老金。行动不便者可联系经办机构上门认证。",
    "If you do not verify in time, an officer will look into it and payment may be suspended meanwhile. If you cannot travel, the office can visit you.",
  ),
  staffOnly: bi("经办人员查询用", "For staff"),

  holdWhat: (kind: THoldKind, from: TBi): TBi =>
    kind === "terminated"
      ? bi(`自${from.zh}起，您的养老保险待遇终止发放。`, `Your pension is no longer paid from ${from.en}.`)
      : bi(`自${from.zh}起，您的养老保险待遇暂停发放。`, `Your pension payment is suspended from ${from.en}.`),
  holdWhy: (cause: THoldCause): TBi =>
    cause === "deceased"
      ? bi("原因：根据死亡信息比对，记录显示领取人已经去世。", "Why: death records we received show that the pensioner has died.")
      : cause === "sentenced"
        ? bi("原因：根据司法信息，领取人正在服刑，服刑期间依规暂停发放。", "Why: court records show the pensioner is serving a prison sentence; by law, payment stops while it is served.")
        : bi("原因：领取人未能在规定期限内完成领取资格认证。", "Why: the pensioner's entitlement was not verified in time."),
  appealTitle: bi("如有异议，如何申诉", "If you disagree: how to appeal"),
  appealWhen: (days: number, by: TBi): TBi =>
    bi(`请自本通知之日起${days}日内（${by.zh}前）提出申诉。`, `Appeal within ${days} days of this notice (by ${by.en}).`),
  appealWhere: (county: TPlace): TBi => bi(`申诉地点：${officeOf(county).zh}窗口。`, `Where: the counter of ${officeOf(county).en}.`),
  appealKiosk: bi(
    "因未认证暂停的，领取人本人到场认证即可；经办人员为您安排认证后，也可在以下自助终端完成：",
    "If payment stopped because of a missed check, the pensioner only needs to verify in person; once staff arrange a check, it can also be done at these kiosks:",
  ),
  appealBring: (cause: THoldCause): TBi =>
    cause === "deceased"
      ? bi("请携带：领取人本人到场及其居民身份证原件；本通知。", "Bring: the pensioner in person with their resident ID card (original); this notice.")
      : cause === "sentenced"
        ? bi("请携带：领取人居民身份证原件；刑满释放证明或法院文书；本通知。", "Bring: the pensioner's resident ID card (original); the release certificate or court papers; this notice.")
        : bi("请携带：领取人本人到场及其居民身份证原件；本通知。", "Bring: the pensioner in person with their resident ID card (original); this notice."),
  appealReopens: bi(
    "申诉受理后，案件将重新审查；核实无误的，恢复发放并补发暂停期间的待遇。",
    "An appeal reopens the case; if it is upheld, payment resumes and the months held back are paid in arrears.",
  ),
} as const;
