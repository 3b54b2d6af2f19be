import type { Static } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { Elysia } from "elysia";
import { supportedLanguage } from "../../../views/i18n/index.ts";
import { BadInput } from "../../errors.ts";
import type { Account } from "../../store/accounts.ts";
import type { RouteDeps } from "../app.ts";
import { invalidFieldMessage } from "../errors.ts";
import { jsonResponse } from "../respond.ts";
import { requireAccount } from "./auth.ts";
import { DeleteMe, UpdateMe } from "./schemas.ts";

/** The correctable fields of an account, as PATCH /api/v1/me answers them. */
function profileJson(account: Account) {
  return { displayName: account.displayName, name: account.name, language: supportedLanguage(account.language) };
}

/**
 * The PATCH body checked here, not by Elysia: Elysia quietly drops unknown fields (and lets
 * some non-objects through), but a misspelt field must be refused, not ignored.
 */
function parseUpdate(body: unknown): Static<typeof UpdateMe> {
  if (Value.Check(UpdateMe, body)) return body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BadInput("request.invalid", "The body must be a JSON object with displayName and/or language.");
  }
  const unknown = Object.keys(body).find((key) => !(key in UpdateMe.properties));
  if (unknown !== undefined) {
    throw new BadInput("request.invalid", `The field "${unknown.slice(0, 40)}" is not part of your profile; only displayName and language can be changed.`);
  }
  const error = Value.Errors(UpdateMe, body).First();
  const message = (error?.schema as { error?: string } | undefined)?.error ?? error?.message;
  throw new BadInput("request.invalid", invalidFieldMessage({ path: error?.path, message }));
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
    .patch("/me", ({ request, body }) => {
      const account = requireAccount(visits.of(request));
      return jsonResponse(profileJson(dataRights.updateProfile(account, parseUpdate(body))));
    })
    .delete("/me", ({ request, body }) => {
      const visit = visits.of(request);
      const account = requireAccount(visit);
      // Checked here, not by Elysia (which drops unknown fields), so every other body gets this one clear code.
      if (!Value.Check(DeleteMe, body)) {
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
