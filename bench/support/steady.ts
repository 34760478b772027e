/** One warm-up batch's cost: CPU microseconds per item. */
export type BatchCost = number;

/**
 * Runs warm-up batches until the cost per item is steady: at least `minBatches`, then until the
 * last batch is within `tolerance` of the mean of the two before it (the JIT has settled and the
 * caches are full), at most `maxBatches`. Answers the costs per batch, to print: the measured
 * window starts after them, so the JIT's early work never lands in it.
 */
export async function warmUntilSteady(
  batch: (i: number) => Promise<BatchCost>,
  opts: { minBatches: number; maxBatches: number; tolerance?: number },
): Promise<{ costs: BatchCost[]; steady: boolean }> {
  const tolerance = opts.tolerance ?? 0.07;
  const costs: BatchCost[] = [];
  for (let i = 0; i < opts.maxBatches; i++) {
    costs.push(await batch(i));
    if (costs.length >= Math.max(3, opts.minBatches)) {
      const [a, b, c] = costs.slice(-3);
      if (Math.abs(c - (a + b) / 2) <= tolerance * ((a + b) / 2)) return { costs, steady: true };
    }
  }
  return { costs, steady: false };
}
