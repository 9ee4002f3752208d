import { getTranslations } from "next-intl/server";
import { UsersTable } from "@/components/admin/users-table";
import { actorOf, requirePagePermission } from "@/lib/auth/current-user";
import { listUsers } from "@/lib/server/users/list-users";

export default async function UsersPage() {
  const user = await requirePagePermission("users.manage");
  const t = await getTranslations("users");
  const users = await listUsers(actorOf(user));
  return (
    <section>
      <h1 className="mb-4 text-2xl font-bold">{t("title")}</h1>
      <UsersTable users={users} selfId={user.userId} />
    </section>
  );
}
