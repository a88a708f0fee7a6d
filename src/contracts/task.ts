import { z } from 'zod';

/** The task kinds every output records (the task view in src/task gives each its behaviour). */
export const TaskSchema = z.enum(['binary', 'multiclass', 'multilabel']);
export type Task = z.infer<typeof TaskSchema>;
