import { getLocale, getTranslations } from "next-intl/server";
import { PaymentsPanel, PeriodSelector } from "@/components/payments/payments-panel";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { currentPeriod } from "@/lib/domain/period";
import { listPaymentHolds } from "@/lib/server/payments/list-payment-holds";

const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

export default async function PaymentsPage({ searchParams }: { searchParams: Promise<{ period?: string | string[] }> }) {
  const user = await requirePagePermission("payments.export");
  const t = await getTranslations("payments");
  const locale = await getLocale();
  const current = currentPeriod();
  const raw = (await searchParams).period;
  const period = (Array.isArray(raw) ? raw[0] : raw) || current;
  const problem = !PERIOD_RE.test(period) ? t("badPeriod", { period }) : period > current ? t("futurePeriod", { period, current }) : null;
  const initial = problem ? null : await listPaymentHolds(actorOf(user), { period, page: 1, pageSize: 50 }, locale);
  return (
    <section className="space-y-5">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="text-slate-600">{t("subtitle")}</p>
      </div>
      <PeriodSelector period={problem ? current : period} current={current} />
      {problem && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-800">{problem}</p>
      )}
      {initial && <PaymentsPanel key={period} initial={initial} />}
    </section>
  );
}
