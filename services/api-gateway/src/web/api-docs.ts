import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Middleware } from 'koa';

/**
 * Local mode's interactive API docs at /docs/ (so /api/docs/ through the `/api` alias): Swagger
 * UI from the assets of the swagger-ui-dist package (served from here: no CDN, works offline)
 * showing openapi.yaml, with "Try it out" against this very gateway. The page and its
 * initialiser are ours (the package's index.html shows a demo API and calls an online validator).
 */
export function apiDocs({
  assetsDir,
  document,
}: {
  assetsDir: string;
  document: object;
}): Middleware {
  const json = JSON.stringify(document);
  const assets = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png']);
  return async function serveApiDocs(ctx, next) {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !ctx.path.startsWith('/docs'))
      return next();
    if (ctx.path === '/docs') return ctx.redirect(`${ctx.originalUrl.split('?')[0]}/`);
    const name = ctx.path.slice('/docs/'.length);
    if (name === '') {
      ctx.type = 'html';
      ctx.body = PAGE;
    } else if (name === 'init.js') {
      ctx.type = 'js';
      ctx.body = INIT;
    } else if (name === 'openapi.json') {
      ctx.type = 'json';
      ctx.body = json;
    } else if (assets.has(name)) {
      ctx.type = path.extname(name);
      ctx.body = createReadStream(path.join(assetsDir, name));
    } else return next();
    ctx.set('Cache-Control', 'no-cache');
  };
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Fleetman API</title>
    <link rel="icon" href="favicon-32x32.png" />
    <link rel="stylesheet" href="swagger-ui.css" />
  </head>
  <body>
    <div id="api-docs"></div>
    <script src="swagger-ui-bundle.js"></script>
    <script src="init.js"></script>
  </body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
const INIT = `window.ui = SwaggerUIBundle({
  url: 'openapi.json',
  dom_id: '#api-docs',
  deepLinking: true,
  validatorUrl: null,
});
`;
