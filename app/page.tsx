import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/current-user";
import { homeFor } from "@/lib/auth/permissions";

export default async function Home() {
  const user = await currentUser();
  redirect(user ? homeFor(user.role) : "/sign-in");
}
