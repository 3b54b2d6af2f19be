/**
 * Headers every response carries. The CSP allows our own scripts and exactly what
 * Telegram's login widget and Mini App script need: no inline script, no eval.
 */
export function securityHeaders(secure: boolean): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self' https://telegram.org",
    "style-src 'self'",
    "img-src 'self' data: https://t.me https://*.telegram.org https://telegram.org",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "frame-src https://oauth.telegram.org",
    "frame-ancestors 'self' https://web.telegram.org",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
  const headers: Record<string, string> = {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    // allow-popups: Telegram's login widget (an oauth.telegram.org iframe) opens a popup and
    // needs its window link back; plain same-origin would cut it and the login never completes.
    "cross-origin-opener-policy": "same-origin-allow-popups",
    "permissions-policy": "camera=(self), microphone=(self), display-capture=(self), geolocation=()",
  };
  if (secure) headers["strict-transport-security"] = "max-age=31536000; includeSubDomains";
  return headers;
}
