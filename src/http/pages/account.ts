import { Elysia, t } from "elysia";
import { dashboardPage } from "../../../views/pages/dashboard.ts";
import { settingsForm, settingsPage } from "../../../views/pages/settings.ts";
import { supportedLanguage } from "../../../views/i18n/index.ts";
import { BadInput } from "../../errors.ts";
import type { RouteDeps } from "../app.ts";
import { roomItems } from "./rooms.ts";
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
      const rooms = roomItems(deps.config.publicUrl, deps.rooms.list(account));
      return htmlResponse(dashboardPage(visit.pageContext(), account, rooms, deps.plans.usage(account.id)));
    })
    .get("/settings", ({ request }) => {
      const visit = visits.of(request);
      const account = visit.session?.account;
      if (!account) return toLogin();
      return htmlResponse(settingsPage(visit.pageContext(), supportedLanguage(account.language), false));
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
        return respondSettings(visit, language);
      },
      { body: SettingsBody },
    );
}

function respondSettings(visit: Visit, chosen: ReturnType<typeof supportedLanguage>): Response {
  const ctx = visit.pageContext();
  return htmlResponse(visit.isHtmx ? settingsForm(ctx, chosen, true) : settingsPage(ctx, chosen, true));
}
