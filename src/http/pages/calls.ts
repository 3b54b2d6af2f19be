import { Elysia, t } from "elysia";
import type { PageContext } from "../../../views/context.ts";
import { callPage, callPanel, type CallItem } from "../../../views/pages/call.ts";
import { contactsSection } from "../../../views/pages/contacts.ts";
import type { CallView } from "../../contacts/calls.ts";
import { DomainError } from "../../errors.ts";
import type { Account } from "../../store/accounts.ts";
import type { RouteDeps } from "../app.ts";
import { refusalText, STATUS_OF_KIND } from "../errors.ts";
import { htmlResponse, redirectAfterPost, toLogin } from "../respond.ts";
import type { Visit } from "../visit.ts";
import { contactItems, sectionRefusal } from "./contacts.ts";
import { roomUrl } from "./rooms.ts";

/** The header a page's requests carry with its live-events id, so "this page" can open the room. */
const PAGE_HEADER = "x-youmeet-page";
const PAGE_ID_PATTERN = /^[A-Za-z0-9_-]{16}$/;

const csrfField = t.Optional(t.String({ maxLength: 128 }));
const StartCallBody = t.Object({ youmeetId: t.String({ maxLength: 64 }), _csrf: csrfField });
/** Path parameter of a call: its random id. */
export const CallParams = t.Object({ id: t.String({ maxLength: 32 }) });


/** A call as the views show it. */
function callItem(publicUrl: string, call: CallView): CallItem {
  return {
    id: call.id,
    state: call.state,
    direction: call.direction,
    peerName: call.peer.name,
    roomUrl: call.roomId ? roomUrl(publicUrl, call.roomId) : null,
  };
}

/** The call panel as a live page shows it (also what the event stream carries). */
export function livePanel(ctx: PageContext, publicUrl: string, call: CallView, error?: string) {
  return callPanel(ctx, callItem(publicUrl, call), { live: true, error });
}

/** The live-events id of the page that sent this request, or null (no script, or not connected yet). */
function pageOf(request: Request): string | null {
  const page = request.headers.get(PAGE_HEADER);
  return page && PAGE_ID_PATTERN.test(page) ? page : null;
}

/** Call, accept, decline and cancel from the pages; the call's own page for browsers without scripts. */
export function callPages(deps: RouteDeps) {
  const { visits, calls, contacts, config } = deps;

  /** The call panel after an action, or a plain form's next page. */
  const answerPanel = (visit: Visit, call: CallView, next: string) =>
    visit.isHtmx ? htmlResponse(livePanel(visit.pageContext(), config.publicUrl, call)) : redirectAfterPost(next, false);
  /** Runs an action on a call; a refusal is shown in the panel (htmx) or on the call's page. */
  const act = (visit: Visit, account: Account, id: string, action: () => Response) => {
    try {
      return action();
    } catch (error) {
      if (!(error instanceof DomainError) || error.code === "call.not_found") throw error;
      const call = calls.view(account, id);
      const text = refusalText(visit, error);
      const ctx = visit.pageContext();
      const body = visit.isHtmx ? livePanel(ctx, config.publicUrl, call, text) : callPage(ctx, callItem(config.publicUrl, call), text);
      return htmlResponse(body, STATUS_OF_KIND[error.kind]);
    }
  };

  return new Elysia({ name: "call-pages" })
    .post(
      "/calls",
      ({ request, body }) => {
        const visit = visits.of(request);
        const account = visit.session?.account;
        if (!account) return toLogin();
        const page = pageOf(request);
        let call: CallView;
        try {
          call = calls.start(account, body.youmeetId, page);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          return sectionRefusal(deps, visit, account, error);
        }
        // A live page shows the call from its event stream; anything else follows it on the call's page.
        if (!visit.isHtmx || !page) return redirectAfterPost(`/calls/${call.id}`, visit.isHtmx);
        return htmlResponse(contactsSection(visit.pageContext(), contactItems(contacts.list(account))));
      },
      { body: StartCallBody },
    )
    .get(
      "/calls/:id",
      ({ request, params }) => {
        const visit = visits.of(request);
        const account = visit.session?.account;
        if (!account) return toLogin();
        const call = calls.view(account, params.id);
        if (visit.isHtmx) return htmlResponse(livePanel(visit.pageContext(), config.publicUrl, call));
        const item = callItem(config.publicUrl, call);
        // The caller's page follows an accepted call into its room.
        if (call.state === "accepted" && call.direction === "outgoing" && item.roomUrl) {
          return new Response(null, { status: 303, headers: { location: `/r/${call.roomId}` } });
        }
        return htmlResponse(callPage(visit.pageContext(), item));
      },
      { params: CallParams },
    )
    .post(
      "/calls/:id/accept",
      ({ request, params }) => {
        const visit = visits.of(request);
        const account = visit.session?.account;
        if (!account) return toLogin();
        return act(visit, account, params.id, () => {
          const call = calls.accept(account, params.id);
          return redirectAfterPost(`/r/${call.roomId}`, visit.isHtmx);
        });
      },
      { params: CallParams },
    )
    .post(
      "/calls/:id/decline",
      ({ request, params }) => {
        const visit = visits.of(request);
        const account = visit.session?.account;
        if (!account) return toLogin();
        return act(visit, account, params.id, () => answerPanel(visit, calls.decline(account, params.id), "/dashboard"));
      },
      { params: CallParams },
    )
    .post(
      "/calls/:id/cancel",
      ({ request, params }) => {
        const visit = visits.of(request);
        const account = visit.session?.account;
        if (!account) return toLogin();
        return act(visit, account, params.id, () => answerPanel(visit, calls.cancel(account, params.id), `/calls/${params.id}`));
      },
      { params: CallParams },
    );
}
