/** A rectangle in screen pixels. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelCandidate {
  /** The marker the label belongs to, in screen pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedLabel extends Box {
  index: number;
}

const CELL = 64;
/** Where a label may go relative to its marker, tried in this order. */
const OFFSETS: ((c: LabelCandidate) => [number, number])[] = [
  (c) => [12, -c.height / 2],
  (c) => [-12 - c.width, -c.height / 2],
  (c) => [-c.width / 2, -12 - c.height],
  (c) => [-c.width / 2, 12],
];

/**
 * Greedy label placement: candidates earlier in the list win (the selected vehicle first);
 * each takes the first of four positions around its marker that overlaps no placed label and
 * no reserved box, or is left out. A uniform grid keeps the overlap checks local.
 */
export class LabelLayout {
  private readonly grid = new Map<number, Box[]>();
  readonly placed: PlacedLabel[] = [];

  reserve(box: Box): void {
    this.insert(box);
  }

  place(candidates: readonly LabelCandidate[]): PlacedLabel[] {
    candidates.forEach((c, index) => {
      for (const offset of OFFSETS) {
        const [dx, dy] = offset(c);
        const box = { x: c.x + dx, y: c.y + dy, w: c.width, h: c.height };
        if (!this.collides(box)) {
          this.insert(box);
          this.placed.push({ ...box, index });
          return;
        }
      }
    });
    return this.placed;
  }

  private cells(box: Box): number[] {
    const keys: number[] = [];
    for (let cx = Math.floor(box.x / CELL); cx <= Math.floor((box.x + box.w) / CELL); cx++) {
      for (let cy = Math.floor(box.y / CELL); cy <= Math.floor((box.y + box.h) / CELL); cy++) {
        keys.push(cx * 100_003 + cy);
      }
    }
    return keys;
  }

  private collides(box: Box): boolean {
    for (const key of this.cells(box)) {
      for (const other of this.grid.get(key) ?? []) {
        if (
          box.x < other.x + other.w &&
          other.x < box.x + box.w &&
          box.y < other.y + other.h &&
          other.y < box.y + box.h
        ) {
          return true;
        }
      }
    }
    return false;
  }

  private insert(box: Box): void {
    for (const key of this.cells(box)) {
      let list = this.grid.get(key);
      if (!list) this.grid.set(key, (list = []));
      list.push(box);
    }
  }
}

/** True if no two boxes overlap (tests and the e2e check use it). */
export function overlapFree(boxes: readonly Box[]): boolean {
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) return false;
    }
  }
  return true;
}
