"use client";
import { NextIntlClientProvider } from "next-intl";
import type { ReactNode } from "react";
import { TIME_ZONE, type TLocale } from "@/lib/i18n/locales";
import en from "@/messages/en.json";
import zhCN from "@/messages/zh-CN.json";

const MESSAGES = { en, "zh-CN": zhCN } as const;

/**
 * The client components' messages, from the JS bundle (a static chunk the browser caches) rather
 * than from the server component's props: next-intl's server NextIntlClientProvider serialises the
 * whole catalogue (~45 KB) into every page's RSC payload and HTML, which the server renders, escapes
 * and sends again on each request (bench/notes/load.md).
 */
export function IntlProvider({ locale, children }: { locale: TLocale; children: ReactNode }) {
  return (
    <NextIntlClientProvider locale={locale} messages={MESSAGES[locale]} timeZone={TIME_ZONE}>
      {children}
    </NextIntlClientProvider>
  );
}
