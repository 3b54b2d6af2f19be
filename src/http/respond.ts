import type { SafeHtml } from "../../views/html.ts";

const HTML_HEADERS = { "content-type": "text/html; charset=utf-8", vary: "HX-Request", "cache-control": "no-store" };

/** An HTML answer (page or htmx fragment; they differ by HX-Request, hence Vary). */
export function htmlResponse(body: SafeHtml, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body.value, { status, headers: { ...HTML_HEADERS, ...headers } });
}

/** A JSON answer. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** After a form post: 303 to the next page; for htmx, a client-side redirect instead. */
export function redirectAfterPost(location: string, isHtmx: boolean, headers: Record<string, string> = {}): Response {
  if (isHtmx) return new Response(null, { status: 204, headers: { "hx-redirect": location, ...headers } });
  return new Response(null, { status: 303, headers: { location, ...headers } });
}

/** A page that needs a login sends visitors to the login page. */
export const toLogin = () => new Response(null, { status: 303, headers: { location: "/login" } });
