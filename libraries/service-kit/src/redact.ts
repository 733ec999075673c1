/** URLs printed in errors and logs never show a password (works on unparseable text too). */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):([^@/]*)@/, '//$1:***@');
}
