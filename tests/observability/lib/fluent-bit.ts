/**
 * Fluent Bit's classic config format, and the steps its pipeline applies to one container
 * line (tail + built-in cri parser → kubernetes filter Merge_Log → es output Replace_Dots),
 * reproduced from Fluent Bit's documentation so real service log lines can be checked here:
 * Debian ships no fluent-bit package. The e2e cluster run exercises the real binary.
 */
export interface Section {
  name: string;
  entries: Map<string, string>;
}

export function parseClassicConfig(text: string): Section[] {
  const sections: Section[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[([A-Z_]+)\]$/.exec(line);
    if (header?.[1]) {
      sections.push({ name: header[1], entries: new Map() });
      continue;
    }
    const current = sections.at(-1);
    if (!current) throw new Error(`entry outside a section: ${line}`);
    const entry = /^(\S+)\s+(.*)$/.exec(line);
    if (!entry?.[1] || entry[2] === undefined) throw new Error(`entry without a value: ${line}`);
    current.entries.set(entry[1].toLowerCase(), entry[2].trim());
  }
  return sections;
}

export function section(sections: Section[], name: string, plugin?: string): Section {
  const found = sections.find(
    (s) => s.name === name && (plugin === undefined || s.entries.get('name') === plugin),
  );
  if (!found) throw new Error(`no [${name}]${plugin ? ` with Name ${plugin}` : ''} section`);
  return found;
}

/** Fluent Bit's built-in `cri` parser (src/multiline/flb_ml_parser_cri.c). */
const CRI = /^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$/;

/** A line as containerd writes it under /var/log/containers. */
export const criLine = (content: string, at = new Date(), stream = 'stdout'): string =>
  `${at.toISOString().replace('Z', '123456Z')} ${stream} F ${content}`;

export type LogRecord = Record<string, unknown>;

/** One CRI line through tail → kubernetes(Merge_Log On, Keep_Log Off) → es(Replace_Dots On). */
export function shipLine(line: string, options: { replaceDots: boolean }): LogRecord {
  const parsed = CRI.exec(line)?.groups;
  if (!parsed?.log || !parsed.time) throw new Error(`not a CRI line: ${line}`);
  const timestamp = Date.parse(parsed.time.replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(timestamp)) throw new Error(`CRI time ${parsed.time} does not parse`);
  let record: LogRecord = { stream: parsed.stream, log: parsed.log };
  // Merge_Log: a log that is a JSON map is lifted to the top level; Keep_Log Off drops it.
  const text = parsed.log.trim();
  if (text.startsWith('{')) {
    try {
      const merged = JSON.parse(text) as unknown;
      if (typeof merged === 'object' && merged !== null && !Array.isArray(merged)) {
        record = { stream: parsed.stream, ...(merged as LogRecord) };
      }
    } catch {
      // Not JSON after all: Fluent Bit keeps the text in `log`.
    }
  }
  record['@timestamp'] = new Date(timestamp).toISOString();
  return options.replaceDots ? replaceDots(record) : record;
}

function replaceDots(value: LogRecord): LogRecord {
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key === '@timestamp' ? key : key.replaceAll('.', '_'),
      typeof v === 'object' && v !== null && !Array.isArray(v) ? replaceDots(v as LogRecord) : v,
    ]),
  );
}
