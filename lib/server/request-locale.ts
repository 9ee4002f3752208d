import type { NextRequest } from "next/server";
import { LOCALE_COOKIE, defaultLocale, isLocale, type TLocale } from "../i18n/locales";

export function requestLocale(request: NextRequest): TLocale {
  const c = request.cookies.get(LOCALE_COOKIE)?.value;
  return c && isLocale(c) ? c : defaultLocale;
}
