/**
 * Live events on every page of a logged-in person: one EventSource to /events. Incoming calls
 * ring here (a banner with Accept / Decline), the caller's own calls show their state, and the
 * page that started a call follows it into the room once accepted. The server renders every
 * panel (in the page's language); this code only places them.
 */

interface CallEvent {
  id: string;
  state: string;
  roomUrl: string | null;
  open: boolean;
  html: string;
}

type Htmx = { process(element: Element): void };

/** The header the server reads to know which page sent a request (see src/http/pages/calls.ts). */
const PAGE_HEADER = "X-Youmeet-Page";

/** Opens the live event stream when the page says there is one (logged-in pages only). */
export function initLiveEvents(): void {
  const url = document.querySelector<HTMLMetaElement>('meta[name="live-events"]')?.content;
  if (!url) return;
  const tray = document.createElement("div");
  tray.id = "calls";
  tray.className = "calls";
  tray.setAttribute("aria-live", "assertive");
  document.body.append(tray);

  let pageId = "";
  document.addEventListener("htmx:config:request", (event) => {
    const headers = (event as CustomEvent<{ ctx?: { request?: { headers?: Record<string, string> } } }>).detail?.ctx?.request?.headers;
    if (headers && pageId) headers[PAGE_HEADER] = pageId;
  });
  document.addEventListener("click", (event) => {
    const button = (event.target as Element | null)?.closest("[data-dismiss-call]");
    button?.closest(".call-panel")?.remove();
  });

  const source = new EventSource(url);
  source.addEventListener("ready", (event) => {
    pageId = (JSON.parse((event as MessageEvent<string>).data) as { page: string }).page;
    document.documentElement.dataset.live = "ready";
  });
  source.addEventListener("call", (event) => {
    const call = JSON.parse((event as MessageEvent<string>).data) as CallEvent;
    if (call.open && call.roomUrl) {
      source.close();
      location.assign(call.roomUrl);
      return;
    }
    place(tray, call);
  });
  source.addEventListener("error", () => {
    // EventSource reconnects by itself; until then the page is not "ready" for calls.
    document.documentElement.dataset.live = "reconnecting";
  });
}

/** Puts the call's panel in the tray, replacing an older one; an empty panel removes it. */
function place(tray: HTMLElement, call: CallEvent): void {
  const current = document.getElementById(`call-${call.id}`);
  const template = document.createElement("template");
  template.innerHTML = call.html.trim();
  const panel = template.content.firstElementChild;
  if (!panel) {
    current?.remove();
    return;
  }
  if (current) current.replaceWith(panel);
  else tray.append(panel);
  (window as unknown as { htmx?: Htmx }).htmx?.process(panel);
}
