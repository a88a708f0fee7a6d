import { z } from 'zod';

/** The interval method for proportions (src/metrics/proportion.ts), as metrics.json records it. */
export const ProportionMethodSchema = z.enum(['wilson', 'jeffreys']);
export type ProportionMethod = z.infer<typeof ProportionMethodSchema>;
