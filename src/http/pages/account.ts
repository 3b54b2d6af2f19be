import { Elysia, t } from "elysia";
import { callSettingsForm } from "../../../views/pages/call.ts";
import { contactsSection } from "../../../views/pages/contacts.ts";
import { settingsForm, settingsPage } from "../../../views/pages/settings.ts";
import { supportedLanguage } from "../../../views/i18n/index.ts";
import { BadInput } from "../../errors.ts";
import type { RouteDeps } from "../app.ts";
import { contactItems, dashboardFor } from "./contacts.ts";
import { htmlResponse } from "../respond.ts";
import type { Visit } from "../visit.ts";

const SettingsBody = t.Object({ language: t.String({ maxLength: 16 }), _csrf: t.Optional(t.String({ maxLength: 128 })) });

const toLogin = () => new Response(null, { status: 303, headers: { location: "/login" } });

/** Pages of the logged-in person: dashboard and settings. */
export function accountPages(deps: RouteDeps) {
  const { visits, stores } = deps;
  const now = deps.now ?? Date.now;

  return new Elysia({ name: "account-pages" })
    .get("/dashboard", ({ request }) => {
      const visit = visits.of(request);
      const account = visit.session?.account;
      if (!account) return toLogin();
      return htmlResponse(dashboardFor(deps, visit, account, contactsSection(visit.pageContext(), contactItems(deps.contacts.list(account)))));
    })
    .get("/settings", ({ request }) => {
      const visit = visits.of(request);
      const account = visit.session?.account;
      if (!account) return toLogin();
      const ctx = visit.pageContext();
      return htmlResponse(settingsPage(ctx, supportedLanguage(account.language), false, callSettingsForm(ctx, stores.calls.acceptsCallsFromAnyone(account.id), false)));
    })
    .post(
      "/settings",
      ({ request, body }) => {
        const visit = visits.of(request);
        const account = visit.session?.account;
        if (!account) return toLogin();
        const language = body.language === "auto" ? null : supportedLanguage(body.language);
        if (body.language !== "auto" && language === null) {
          throw new BadInput("settings.bad_language", `"${body.language}" is not a language youmeet speaks.`);
        }
        stores.accounts.setLanguage(account.id, language, now());
        // Render in the language just chosen.
        visit.refreshSession();
        return respondSettings(visit, language, stores.calls.acceptsCallsFromAnyone(account.id));
      },
      { body: SettingsBody },
    );
}

function respondSettings(visit: Visit, chosen: ReturnType<typeof supportedLanguage>, callsFromAnyone: boolean): Response {
  const ctx = visit.pageContext();
  return htmlResponse(visit.isHtmx ? settingsForm(ctx, chosen, true) : settingsPage(ctx, chosen, true, callSettingsForm(ctx, callsFromAnyone, false)));
}
