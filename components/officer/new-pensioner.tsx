"use client";
import { useRouter } from "next/navigation";
import { PensionerForm } from "./pensioner-form";

export function NewPensioner({ counties }: { counties: { code: string; label: string }[] }) {
  const router = useRouter();
  return <PensionerForm counties={counties} onSaved={(p) => router.push(`/roll/${p.id}`)} onCancel={() => router.push("/roll")} />;
}
