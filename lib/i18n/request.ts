import { cookies } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { LOCALE_COOKIE, TIME_ZONE, defaultLocale, isLocale } from "./locales";

// Locale comes from a cookie, not the URL: kiosk and staff URLs stay the same in both languages.
export default getRequestConfig(async () => {
  const c = (await cookies()).get(LOCALE_COOKIE)?.value;
  const locale = c && isLocale(c) ? c : defaultLocale;
  return { locale, messages: (await import(`../../messages/${locale}.json`)).default, timeZone: TIME_ZONE };
});
