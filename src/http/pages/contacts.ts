import { Elysia, t } from "elysia";
import { callSettingsForm } from "../../../views/pages/call.ts";
import { contactList, contactsSection, type ContactItem, type SectionNotice } from "../../../views/pages/contacts.ts";
import type { SafeHtml } from "../../../views/html.ts";
import { dashboardPage } from "../../../views/pages/dashboard.ts";
import { displayName, type ContactEntry } from "../../contacts/service.ts";
import { BadInput, DomainError } from "../../errors.ts";
import type { Account } from "../../store/accounts.ts";
import type { RouteDeps } from "../app.ts";
import { refusalText, STATUS_OF_KIND } from "../errors.ts";
import { htmlResponse, redirectAfterPost, toLogin } from "../respond.ts";
import { roomItems } from "./rooms.ts";
import type { Visit } from "../visit.ts";

const csrfField = t.Optional(t.String({ maxLength: 128 }));
const AddContactBody = t.Object({ contact: t.String({ maxLength: 200 }), _csrf: csrfField });
const CallSettingsBody = t.Object({ from: t.String({ maxLength: 16 }), _csrf: csrfField });
/** Path parameter of a contact: its youmeet ID as typed (normalised by the service). */
export const ContactParams = t.Object({ youmeetId: t.String({ maxLength: 64 }) });

/** The dashboard page of `account`, with the contacts section as given. */
export function dashboardFor(deps: RouteDeps, visit: Visit, account: Account, contacts: SafeHtml): SafeHtml {
  const rooms = roomItems(deps.config.publicUrl, deps.rooms.list(account));
  return dashboardPage(visit.pageContext(), account, rooms, deps.plans.usage(account.id), contacts);
}

/** A refusal shown in the contacts section: alone for htmx, on the dashboard for a plain form post. */
export function sectionRefusal(deps: RouteDeps, visit: Visit, account: Account, error: DomainError, typed?: string): Response {
  const notice: SectionNotice = { kind: "error", text: refusalText(visit, error) };
  const section = contactsSection(visit.pageContext(), contactItems(deps.contacts.list(account)), notice, typed);
  return htmlResponse(visit.isHtmx ? section : dashboardFor(deps, visit, account, section), STATUS_OF_KIND[error.kind]);
}

/** Contacts as the dashboard lists them. */
export function contactItems(contacts: ContactEntry[]): ContactItem[] {
  return contacts.map((contact) => ({
    youmeetId: contact.youmeetId,
    name: displayName(contact),
    username: contact.username,
    photoUrl: contact.photoUrl,
    online: contact.online,
  }));
}

/** The dashboard's contacts section (add, list, remove) and the "who may call you" setting. */
export function contactPages(deps: RouteDeps) {
  const { visits, contacts, stores } = deps;
  const now = deps.now ?? Date.now;

  /**
   * Runs a change. htmx gets the section back (with the confirmation or the refusal); a plain
   * form post is redirected to the dashboard, or on a refusal gets the dashboard with it.
   */
  const attempt = (visit: Visit, account: Account, change: () => SectionNotice, typed?: string) => {
    try {
      const notice = change();
      if (!visit.isHtmx) return redirectAfterPost("/dashboard", false);
      return htmlResponse(contactsSection(visit.pageContext(), contactItems(contacts.list(account)), notice));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return sectionRefusal(deps, visit, account, error, typed);
    }
  };

  return new Elysia({ name: "contact-pages" })
    .get("/contacts/list", ({ request }) => {
      const visit = visits.of(request);
      const account = visit.session?.account;
      if (!account) return toLogin();
      return htmlResponse(contactList(visit.pageContext(), contactItems(contacts.list(account))));
    })
    .post(
      "/contacts",
      ({ request, body }) => {
        const visit = visits.of(request);
        const account = visit.session?.account;
        if (!account) return toLogin();
        return attempt(
          visit,
          account,
          () => {
            const added = contacts.addTyped(account, body.contact);
            return { kind: "success", text: visit.t("contacts.added", { name: displayName(added) }) };
          },
          body.contact,
        );
      },
      { body: AddContactBody },
    )
    .post(
      "/contacts/:youmeetId/delete",
      ({ request, params }) => {
        const visit = visits.of(request);
        const account = visit.session?.account;
        if (!account) return toLogin();
        return attempt(visit, account, () => {
          contacts.remove(account, params.youmeetId);
          return { kind: "success", text: visit.t("contacts.removed") };
        });
      },
      { params: ContactParams },
    )
    .post(
      "/settings/calls",
      ({ request, body }) => {
        const visit = visits.of(request);
        const account = visit.session?.account;
        if (!account) return toLogin();
        if (body.from !== "contacts" && body.from !== "anyone") {
          throw new BadInput("settings.bad_calls_from", `"${body.from}" is not a choice here: pick "contacts" or "anyone".`, {
            value: body.from,
          });
        }
        stores.calls.setCallsFromAnyone(account.id, body.from === "anyone", now());
        if (!visit.isHtmx) return redirectAfterPost("/settings", false);
        return htmlResponse(callSettingsForm(visit.pageContext(), body.from === "anyone", true));
      },
      { body: CallSettingsBody },
    );
}
