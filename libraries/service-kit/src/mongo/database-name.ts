/**
 * The database a service uses: the one MONGO_URL names (`mongodb://host/<database>?…`), else
 * MONGO_DATABASE (default `fleetman`), as the READMEs say. The driver's own fallback for a URL
 * without one is `test`, and passing MONGO_DATABASE always overrode the URL: both are avoided here.
 * Parsed by hand because a seed list (`h1:1,h2:2`) is not a WHATWG URL host.
 */
export function mongoDatabaseName(url: string, fallback: string): string {
  const rest = url.replace(/^mongodb(\+srv)?:\/\//, '');
  const slash = rest.indexOf('/');
  if (slash < 0) return fallback;
  const name = decodeURIComponent(rest.slice(slash + 1).split('?')[0] ?? '');
  return name || fallback;
}
