import { Elysia, t } from "elysia";
import { callSettingsForm } from "../../../views/pages/call.ts";
import { contactsSection } from "../../../views/pages/contacts.ts";
import { settingsForm, settingsPage, type SettingsState } from "../../../views/pages/settings.ts";
import { supportedLanguage, type MessageKey } from "../../../views/i18n/index.ts";
import { BadInput, DomainError } from "../../errors.ts";
import type { Account } from "../../store/accounts.ts";
import type { RouteDeps } from "../app.ts";
import { contactItems, dashboardFor } from "./contacts.ts";
import { htmlResponse, toLogin } from "../respond.ts";
import type { Visit } from "../visit.ts";

const SettingsBody = t.Object({
  language: t.String({ maxLength: 16 }),
  // Longer than any valid name so the profile check, not the schema, says what is wrong.
  displayName: t.Optional(t.String({ maxLength: 256 })),
  _csrf: t.Optional(t.String({ maxLength: 128 })),
});

/** Refusals of a display name, in the reader's language (the API answers the English message). */
const PROFILE_ERRORS: Record<string, MessageKey> = {
  "profile.name_empty": "profile.error.profile.name_empty",
  "profile.name_too_long": "profile.error.profile.name_too_long",
  "profile.name_control": "profile.error.profile.name_control",
};


/** Pages of the logged-in person: dashboard and settings. */
export function accountPages(deps: RouteDeps) {
  const { visits, dataRights } = deps;

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
      return htmlResponse(settingsPage(visit.pageContext(), stateOf(account, false), callSettingsFor(deps, visit, account)));
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
        // An empty field shows Telegram's name again.
        const displayName = body.displayName === undefined ? undefined : body.displayName.trim() === "" ? null : body.displayName;
        try {
          dataRights.updateProfile(account, { displayName, language });
        } catch (error) {
          if (!(error instanceof DomainError) || !PROFILE_ERRORS[error.code]) throw error;
          const state = { ...stateOf(account, false), displayName: body.displayName ?? null, error: visit.t(PROFILE_ERRORS[error.code]!) };
          return respondSettings(deps, visit, state, 400);
        }
        // Render in the language just chosen.
        visit.refreshSession();
        return respondSettings(deps, visit, stateOf(visit.session!.account, true));
      },
      { body: SettingsBody },
    );
}

function stateOf(account: Account, saved: boolean): SettingsState {
  return { language: supportedLanguage(account.language), displayName: account.displayName, telegramName: account.firstName, saved };
}

function callSettingsFor(deps: RouteDeps, visit: Visit, account: Account) {
  return callSettingsForm(visit.pageContext(), deps.stores.calls.acceptsCallsFromAnyone(account.id), false);
}

function respondSettings(deps: RouteDeps, visit: Visit, state: SettingsState, status = 200): Response {
  const ctx = visit.pageContext();
  return htmlResponse(visit.isHtmx ? settingsForm(ctx, state) : settingsPage(ctx, state, callSettingsFor(deps, visit, visit.session!.account)), status);
}
