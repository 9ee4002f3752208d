import { getTranslations } from "next-intl/server";
import Link from "next/link";

export default async function NotFound() {
  const t = await getTranslations("errors");
  return (
    <main className="mx-auto mt-16 max-w-md text-center">
      <h1 className="mb-4 text-2xl font-bold">404</h1>
      <p className="mb-6">{t("notFound")}</p>
      <Link href="/" className="underline">{t("home")}</Link>
    </main>
  );
}
