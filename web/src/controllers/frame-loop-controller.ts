import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Calls `onFrame(now)` every animation frame while running; stops with its host. */
export class FrameLoopController implements ReactiveController {
  private handle: number | undefined;

  constructor(
    host: ReactiveControllerHost,
    private readonly onFrame: (wallMs: number) => boolean | void,
  ) {
    host.addController(this);
  }

  get running(): boolean {
    return this.handle !== undefined;
  }

  start(): void {
    if (this.handle !== undefined) return;
    const loop = (now: number) => {
      // onFrame returns false when there is nothing left to animate.
      if (this.onFrame(now) === false) this.handle = undefined;
      else this.handle = requestAnimationFrame(loop);
    };
    this.handle = requestAnimationFrame(loop);
  }

  stop(): void {
    if (this.handle !== undefined) cancelAnimationFrame(this.handle);
    this.handle = undefined;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.stop();
  }
}
