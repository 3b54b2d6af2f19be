import { Elysia, t } from "elysia";
import { accountDeletedPage, deleteConfirmPage } from "../../../views/pages/delete-account.ts";
import { myDataPage } from "../../../views/pages/my-data.ts";
import type { ActiveSession } from "../../auth/sessions.ts";
import { BadInput } from "../../errors.ts";
import type { RouteDeps } from "../app.ts";
import { htmlResponse, redirectAfterPost, toLogin } from "../respond.ts";
import type { Visit } from "../visit.ts";

const csrfField = t.Optional(t.String({ maxLength: 128 }));
const DeleteBody = t.Object({
  confirm: t.Optional(t.String({ maxLength: 16 })),
  reason: t.Optional(t.Union([t.Literal("delete"), t.Literal("withdraw")])),
  _csrf: csrfField,
});
const AcceptBody = t.Object({ version: t.String({ maxLength: 64 }), _csrf: csrfField });
const SessionParams = t.Object({ handle: t.String({ maxLength: 64 }) });

/** Where to go back to after accepting the policy: the page the banner was on, if it is ours. */
function backTo(request: Request, publicOrigin: string): string {
  const referer = request.headers.get("referer");
  if (!referer) return "/dashboard";
  try {
    const url = new URL(referer);
    if (url.origin !== publicOrigin && url.origin !== new URL(request.url).origin) return "/dashboard";
    // "//host/..." or "/\host" would leave the site as a protocol-relative Location.
    if (!/^\/(?![/\\])/.test(url.pathname)) return "/dashboard";
    return url.pathname + url.search;
  } catch {
    return "/dashboard";
  }
}

/** The "My data" page: see everything, log out sessions, delete the account, accept a new policy. */
export function myDataPages(deps: RouteDeps) {
  const { visits, dataRights, cookie, config } = deps;

  /** Runs `handle` for a logged-in visitor; visitors go to the login page. */
  const loggedIn = (request: Request, handle: (visit: Visit, active: ActiveSession) => Response) => {
    const visit = visits.of(request);
    return visit.session ? handle(visit, visit.session) : toLogin();
  };
  const renderMyData = (visit: Visit, active: ActiveSession, notice?: string) => {
    return htmlResponse(
      myDataPage(visit.pageContext(), {
        data: dataRights.exportFile(active.account),
        sessions: dataRights.sessions(active.account, active.tokenHash),
        publicUrl: config.publicUrl,
        policyVersion: dataRights.policyVersion,
        notice,
      }),
    );
  };

  return new Elysia({ name: "my-data-pages" })
    .get("/my-data", ({ request }) =>
      loggedIn(request, (visit, active) => {
        const ended = new URL(request.url).searchParams.has("ended");
        return renderMyData(visit, active, ended ? visit.t("mydata.sessions.ended") : undefined);
      }),
    )
    .post(
      "/my-data/sessions/:handle/logout",
      ({ request, params }) =>
        loggedIn(request, (visit, active) => {
          const { wasCurrent } = dataRights.endSession(active.account, params.handle, active.tokenHash);
          // That session's live pages (another device, say) leave now.
          deps.live.recheck(active.account.id);
          if (!wasCurrent) return redirectAfterPost("/my-data?ended", visit.isHtmx);
          visit.forgetSession();
          return redirectAfterPost("/", visit.isHtmx, { "set-cookie": cookie.clear() });
        }),
      { params: SessionParams },
    )
    .get("/my-data/delete", ({ request }) =>
      loggedIn(request, (visit, { account }) => {
        const withdraw = new URL(request.url).searchParams.has("withdraw");
        const summary = dataRights.deletionSummary(account);
        return htmlResponse(deleteConfirmPage(visit.pageContext(), { youmeetId: account.youmeetId, ...summary, withdraw }));
      }),
    )
    .post(
      "/my-data/delete",
      ({ request, body }) =>
        loggedIn(request, (visit, { account }) => {
          if (body.confirm !== "yes") {
            throw new BadInput("account.confirm_required", "Confirm the deletion on the confirmation page; nothing was deleted.");
          }
          dataRights.deleteAccount(account, body.reason === "withdraw" ? "consent_withdrawn" : "deleted_by_user");
          visit.forgetSession();
          return htmlResponse(accountDeletedPage(visit.pageContext()), 200, { "set-cookie": cookie.clear() });
        }),
      { body: DeleteBody },
    )
    .post(
      "/privacy/accept",
      ({ request, body }) =>
        loggedIn(request, (visit, { account }) => {
          dataRights.acceptPolicy(account, body.version);
          return redirectAfterPost(backTo(request, config.publicOrigin), visit.isHtmx);
        }),
      { body: AcceptBody },
    );
}
