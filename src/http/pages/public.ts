import { Elysia } from "elysia";
import { landingPage } from "../../../views/pages/landing.ts";
import { loginPage } from "../../../views/pages/login.ts";
import { privacyPage } from "../../../views/pages/privacy.ts";
import { telegramAppPage } from "../../../views/pages/telegram-app.ts";
import type { RouteDeps } from "../app.ts";
import { htmlResponse } from "../respond.ts";
import type { Visit } from "../visit.ts";

/** The login page's options for this server. */
export function loginOptions(deps: RouteDeps) {
  const methods = deps.login.methods;
  return { ...methods, authUrl: `${deps.config.publicUrl}/auth/telegram`, policyVersion: deps.config.privacyPolicyVersion };
}

/** Renders the login page, optionally with why the last attempt failed. */
export function renderLogin(deps: RouteDeps, visit: Visit, status = 200, error?: { message: string }): Response {
  return htmlResponse(loginPage(visit.pageContext(), loginOptions(deps), error), status);
}

/** Pages anyone may see: landing, login, privacy policy, the Telegram Mini App entry. */
export function publicPages(deps: RouteDeps) {
  const { visits, config } = deps;
  return new Elysia({ name: "public-pages" })
    .get("/", ({ request }) => htmlResponse(landingPage(visits.of(request).pageContext())))
    .get("/login", ({ request }) => {
      const visit = visits.of(request);
      if (visit.session) return new Response(null, { status: 303, headers: { location: "/dashboard" } });
      return renderLogin(deps, visit);
    })
    .get("/privacy", ({ request }) =>
      htmlResponse(
        privacyPage(visits.of(request).pageContext(), {
          retentionInactiveDays: config.retentionInactiveDays,
          retentionFeedbackDays: config.retentionFeedbackDays,
          contactEmail: config.contactEmail,
          publicUrl: config.publicUrl,
          policyVersion: config.privacyPolicyVersion,
        }),
      ),
    )
    .get("/tg", ({ request }) => htmlResponse(telegramAppPage(visits.of(request).pageContext(), config.privacyPolicyVersion)));
}
