import { Elysia } from "elysia";
import { supportedLanguage } from "../../../views/i18n/index.ts";
import { BadInput } from "../../errors.ts";
import type { Account } from "../../store/accounts.ts";
import type { RouteDeps } from "../app.ts";
import { jsonResponse } from "../respond.ts";
import { requireAccount } from "./auth.ts";
import { UpdateMe } from "./schemas.ts";

/** The correctable fields of an account, as PATCH /api/v1/me answers them. */
function profileJson(account: Account) {
  return { displayName: account.displayName, name: account.name, language: supportedLanguage(account.language) };
}

/** True only for exactly `{"confirm": true}`: deleting an account must never happen by accident. */
function isConfirmed(body: unknown): boolean {
  return typeof body === "object" && body !== null && !Array.isArray(body) && Object.keys(body).length === 1 && (body as { confirm?: unknown }).confirm === true;
}

/** /api/v1/me: export everything, correct the profile, delete the account. */
export function meApi(deps: RouteDeps) {
  const { visits, dataRights, cookie } = deps;
  return new Elysia({ name: "api-me", prefix: "/api/v1" })
    .get("/me/export", ({ request }) => {
      const account = requireAccount(visits.of(request));
      const file = dataRights.exportFile(account);
      return new Response(JSON.stringify(file, null, 2), {
        headers: {
          "content-type": "application/json; charset=utf-8",
          "content-disposition": `attachment; filename="youmeet-data-${account.youmeetId}.json"`,
          "cache-control": "no-store",
        },
      });
    })
    .patch(
      "/me",
      ({ request, body }) => {
        const account = requireAccount(visits.of(request));
        return jsonResponse(profileJson(dataRights.updateProfile(account, body)));
      },
      { body: UpdateMe },
    )
    .delete("/me", ({ request, body }) => {
      const visit = visits.of(request);
      const account = requireAccount(visit);
      // Checked here rather than by the schema so that every wrong body gets the same clear code.
      if (!isConfirmed(body)) {
        throw new BadInput(
          "account.confirm_required",
          'Send the body {"confirm": true} to delete your account and everything that refers to it; nothing was deleted.',
        );
      }
      dataRights.deleteAccount(account, "deleted_by_user");
      visit.forgetSession();
      return new Response(null, { status: 204, headers: { "set-cookie": cookie.clear() } });
    });
}
