import type { Writable } from 'node:stream';

/**
 * Per-client output with a hard memory bound. Frames go straight to the client's stream while
 * it accepts them; once it signals backpressure they wait here, and when more than `maxBytes`
 * would wait the client is declared too slow: the caller disconnects it rather than letting one
 * stalled browser grow the gateway's memory without limit.
 */

export type WriteOutcome = 'written' | 'queued' | 'overflow' | 'closed';

export interface ClientBufferOptions {
  maxBytes: number;
}

export class ClientBuffer {
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private waitingForDrain = false;
  private overflowed = false;
  private closed = false;

  constructor(
    private readonly output: Writable,
    private readonly options: ClientBufferOptions,
  ) {
    output.on('drain', () => this.flush());
  }

  /** Bytes waiting here (not counting what the stream itself already holds, ≤ its highWaterMark). */
  get queuedBytes(): number {
    return this.pendingBytes;
  }

  get queuedFrames(): number {
    return this.pending.length;
  }

  write(frame: Buffer): WriteOutcome {
    if (this.closed) return 'closed';
    if (this.overflowed) return 'overflow';
    if (!this.waitingForDrain && this.pending.length === 0) {
      this.waitingForDrain = !this.output.write(frame);
      return 'written';
    }
    if (this.pendingBytes + frame.length > this.options.maxBytes) {
      this.overflowed = true;
      this.pending.length = 0; // free it now; the client is going away
      this.pendingBytes = 0;
      return 'overflow';
    }
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    return 'queued';
  }

  /**
   * Writes past the bound, straight into the stream's own buffer: for the first burst (snapshot
   * or resume replay), whose size is already bounded by the fleet size and the resume window.
   * Live frames written after it queue behind it and are bounded by `maxBytes` as usual.
   */
  preload(frame: Buffer): void {
    if (this.closed || this.overflowed) return;
    if (this.pending.length > 0) {
      // Only reachable if called after live writes queued: keep the order, the bound is theirs.
      this.pending.push(frame);
      this.pendingBytes += frame.length;
      return;
    }
    const accepted = this.output.write(frame);
    this.waitingForDrain ||= !accepted;
  }

  /** The client is gone or being ended: drop what waits and accept nothing more. */
  discard(): void {
    this.closed = true;
    this.pending.length = 0;
    this.pendingBytes = 0;
  }

  private flush(): void {
    if (this.closed) return;
    this.waitingForDrain = false;
    while (this.pending.length > 0 && !this.waitingForDrain) {
      const frame = this.pending.shift() as Buffer;
      this.pendingBytes -= frame.length;
      this.waitingForDrain = !this.output.write(frame);
    }
  }
}
