import type { Writable } from 'node:stream';
import { ClientBuffer } from './client-buffer.js';
import { EventRing, type EventRingOptions, type RingEvent } from './event-ring.js';
import {
  formatSseComment,
  formatSseEvent,
  formatSseRetry,
  STREAM_EVENTS,
  type ParsedSseEvent,
} from '@fleetman/contract';
import type { StreamMetrics } from './stream-metrics.js';

/**
 * The fan-out between the one upstream tracker stream and every browser: keeps the resume
 * window (ring) and the latest state of each vehicle (the snapshot for new clients), and
 * writes each event's frame, built once, into every client's bounded buffer.
 *
 * It speaks the tracker's protocol both ways: `position` events carry the sequence as id; a
 * snapshot is id-less `position` events closed by a `snapshot-end` event whose id is the
 * sequence the snapshot reflects, so a client can resume from it. A `status` event (a vehicle
 * went offline or came back) carries the whole state like a position, so it becomes the
 * vehicle's snapshot entry too: a reload shows a dead vehicle offline.
 */

export interface StreamEvent extends RingEvent {
  frame: Buffer;
}

export interface StreamHubOptions {
  window: EventRingOptions;
  /** Bytes a client may have waiting before it is disconnected as too slow. */
  clientMaxBytes: number;
  heartbeatMs: number;
  /** Reconnect delay suggested to EventSource clients. */
  clientRetryMs: number;
  metrics: StreamMetrics;
  now?: () => number;
}

export type PublishOutcome = 'relayed' | 'duplicate' | 'unsequenced';

interface Client {
  buffer: ClientBuffer;
  output: Writable;
  /** Cuts the connection at once (the socket: a stalled client would never read a polite end). */
  cut(): void;
}

const POSITION = STREAM_EVENTS.position;
const STATUS = STREAM_EVENTS.status;
const SNAPSHOT_END = STREAM_EVENTS.snapshotEnd;
const HEARTBEAT = Buffer.from(formatSseComment('heartbeat'));

export class StreamHub {
  private readonly ring: EventRing<StreamEvent>;
  /** Latest position or status frame per vehicle (its sequence number, when it had one, orders the snapshot). */
  private readonly latest = new Map<string, { id: number | undefined; frame: Buffer }>();
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly retryFrame: Buffer;
  private closed = false;

  constructor(private readonly options: StreamHubOptions) {
    this.ring = new EventRing(options.window);
    this.now = options.now ?? Date.now;
    this.retryFrame = Buffer.from(formatSseRetry(options.clientRetryMs));
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get vehicleCount(): number {
    return this.latest.size;
  }

  /** The last sequence number seen: the upstream connection resumes after it. */
  get lastId(): number | undefined {
    return this.ring.lastId;
  }

  /**
   * One event from the tracker. `continuous`: nothing can have been missed since the previous
   * event (same connection, or a reconnect that sent our Last-Event-ID).
   */
  publish(parsed: ParsedSseEvent, continuous: boolean): PublishOutcome {
    const { metrics } = this.options;
    const id = parseSequence(parsed.id);
    if (id === undefined) {
      // Snapshot entries (and anything unsequenced) are relayed live but cannot be resumed.
      const frame = Buffer.from(formatSseEvent({ event: parsed.event, data: parsed.data }));
      this.remember(parsed, undefined, frame);
      this.fanOut(frame);
      metrics.eventsReceived.inc({ outcome: 'unsequenced' });
      return 'unsequenced';
    }
    const lastId = this.ring.lastId;
    if (lastId !== undefined && id <= lastId) {
      metrics.eventsReceived.inc({ outcome: 'duplicate' });
      return 'duplicate';
    }
    const frame = Buffer.from(formatSseEvent({ id, event: parsed.event, data: parsed.data }));
    if (parsed.event === SNAPSHOT_END) {
      this.ring.restartAt(id); // a fresh snapshot: resumes from before it are gaps now
    } else {
      this.ring.push({ id, receivedAt: this.now(), frame }, continuous);
      this.ring.evictExpired(this.now());
      this.remember(parsed, id, frame);
    }
    metrics.ringEvents.set(this.ring.size);
    this.fanOut(frame);
    metrics.eventsReceived.inc({ outcome: 'relayed' });
    return 'relayed';
  }

  /**
   * Registers a client and writes what it should see first: the events after its
   * Last-Event-ID when the window still holds them, otherwise a snapshot of the fleet.
   * Returns the function to call when the client goes away.
   */
  connect(output: Writable, lastEventId: string | undefined, cut: () => void): () => void {
    if (this.closed) {
      output.end(this.retryFrame);
      return () => {};
    }
    const client: Client = {
      buffer: new ClientBuffer(output, { maxBytes: this.options.clientMaxBytes }),
      output,
      cut,
    };
    this.clients.add(client);
    this.options.metrics.clients.set(this.clients.size);
    client.buffer.preload(this.retryFrame);
    for (const frame of this.initialFrames(lastEventId)) client.buffer.preload(frame);
    return () => this.remove(client);
  }

  /** Ends every stream politely (EventSource reconnects, to another replica) and stops beating. */
  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const client of [...this.clients]) {
      this.remove(client);
      client.output.end();
    }
  }

  private initialFrames(lastEventId: string | undefined): Buffer[] {
    const resumeFrom = parseSequence(lastEventId);
    if (resumeFrom !== undefined) {
      const resume = this.ring.since(resumeFrom, this.now());
      this.options.metrics.ringEvents.set(this.ring.size);
      if (resume.kind === 'replay') return resume.events.map((event) => event.frame);
    }
    // New client, unusable id, or a gap: the current state of the fleet, oldest change first.
    const frames = [...this.latest.values()]
      .sort((a, b) => (a.id ?? -1) - (b.id ?? -1))
      .map((entry) => entry.frame);
    const seq = this.ring.lastId;
    const data = JSON.stringify({ seq: seq ?? null, vehicles: this.latest.size });
    frames.push(Buffer.from(formatSseEvent({ id: seq, event: SNAPSHOT_END, data })));
    return frames;
  }

  private remember(parsed: ParsedSseEvent, id: number | undefined, frame: Buffer): void {
    if (parsed.event !== POSITION && parsed.event !== STATUS) return;
    const vehicleId = vehicleIdOf(parsed.data);
    if (vehicleId !== undefined) this.latest.set(vehicleId, { id, frame });
  }

  private fanOut(frame: Buffer): void {
    for (const client of this.clients) {
      if (client.buffer.write(frame) !== 'overflow') continue;
      this.options.metrics.clientsDisconnected.inc({ reason: 'slow' });
      this.remove(client);
      client.cut();
    }
  }

  private beat(): void {
    this.ring.evictExpired(this.now());
    this.options.metrics.ringEvents.set(this.ring.size);
    this.fanOut(HEARTBEAT);
  }

  private remove(client: Client): void {
    if (!this.clients.delete(client)) return;
    client.buffer.discard();
    this.options.metrics.clients.set(this.clients.size);
  }
}

/** Sequence numbers are µs-based, so 16 digits: still exact as a double below 2^53. */
function parseSequence(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,16}$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

function vehicleIdOf(data: string): string | undefined {
  try {
    const id = (JSON.parse(data) as { id?: unknown } | null)?.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  } catch {
    return undefined;
  }
}
