export const locales = ["zh-CN", "en"] as const;
export type TLocale = (typeof locales)[number];
export const defaultLocale: TLocale = "zh-CN";
export const LOCALE_COOKIE = "NEXT_LOCALE";
export const isLocale = (s: string): s is TLocale => (locales as readonly string[]).includes(s);
/** The zone dates are shown in, on the server and in the browser (the bureau's). */
export const TIME_ZONE = "Asia/Shanghai";
