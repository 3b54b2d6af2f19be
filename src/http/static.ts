import { staticPlugin } from "@elysiajs/static";

/** Serves static/ (css, images, vendored htmx, the client bundle) under /static. */
export async function staticFiles(staticDir: string) {
  return staticPlugin({
    // An absolute path: the plugin resolves relative ones against the working directory,
    // which is wrong for the executable started from elsewhere.
    assets: staticDir,
    prefix: "/static",
    alwaysStatic: false,
    indexHTML: false,
    silent: true,
    directive: "no-cache",
    maxAge: 0,
  });
}
