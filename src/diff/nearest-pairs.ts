/*
 * Pairs two lists of positions on one line of numbers, closest first, one for one, in O(n log n).
 * The closest pair of opposite sides is always next to each other once both lists are merged in
 * position order (anything between is closer to one of them), so only neighbours are candidates:
 * a heap of neighbouring opposite pairs, and a linked list that closes over each pair taken.
 */

interface Node {
  position: number;
  side: 0 | 1;
  index: number;
  prev: Node | undefined;
  next: Node | undefined;
  taken: boolean;
}

interface Candidate {
  left: Node;
  right: Node;
  distance: number;
}

/** Closer first; at equal distance the pair further up the file, so the result never depends on input order. */
function before(a: Candidate, b: Candidate): boolean {
  return a.distance !== b.distance ? a.distance < b.distance : a.left.position < b.left.position;
}

class CandidateHeap {
  private readonly items: Candidate[] = [];

  push(c: Candidate): void {
    const items = this.items;
    items.push(c);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      const p = items[parent];
      if (!p || !before(c, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = c;
  }

  pop(): Candidate | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = last;
      let bestAt = -1;
      const li = items[l];
      const ri = items[r];
      if (li && before(li, best)) {
        best = li;
        bestAt = l;
      }
      if (ri && before(ri, best)) {
        best = ri;
        bestAt = r;
      }
      if (bestAt < 0) break;
      items[i] = best;
      i = bestAt;
    }
    items[i] = last;
    return top;
  }
}

/**
 * Pairs positions of list `a` with positions of list `b`, closest first, until one list is used up.
 * Returns [index in a, index in b] pairs; the indices left out of the longer list have no partner.
 */
export function pairNearest(a: readonly number[], b: readonly number[]): [number, number][] {
  const nodes: Node[] = [
    ...a.map(
      (position, index): Node => ({
        position,
        side: 0,
        index,
        prev: undefined,
        next: undefined,
        taken: false,
      }),
    ),
    ...b.map(
      (position, index): Node => ({
        position,
        side: 1,
        index,
        prev: undefined,
        next: undefined,
        taken: false,
      }),
    ),
  ];
  // At one position, a's first: ties then pair in list order instead of by chance.
  nodes.sort((x, y) => x.position - y.position || x.side - y.side || x.index - y.index);
  const heap = new CandidateHeap();
  const offer = (left: Node | undefined, right: Node | undefined): void => {
    if (left && right && left.side !== right.side)
      heap.push({ left, right, distance: right.position - left.position });
  };
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (!node) continue;
    node.prev = nodes[i - 1];
    node.next = nodes[i + 1];
    offer(node.prev, node);
  }

  const pairs: [number, number][] = [];
  const wanted = Math.min(a.length, b.length);
  while (pairs.length < wanted) {
    const c = heap.pop();
    if (!c) break;
    // Stale: one of the two was taken by a closer pair since this one was offered.
    if (c.left.taken || c.right.taken) continue;
    c.left.taken = true;
    c.right.taken = true;
    pairs.push(c.left.side === 0 ? [c.left.index, c.right.index] : [c.right.index, c.left.index]);
    const outerLeft = c.left.prev;
    const outerRight = c.right.next;
    if (outerLeft) outerLeft.next = outerRight;
    if (outerRight) outerRight.prev = outerLeft;
    offer(outerLeft, outerRight);
  }
  return pairs;
}
