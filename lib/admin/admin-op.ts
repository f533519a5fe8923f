import type { GuardContext, GuardSpec } from '../auth/guard';

/** One administration operation: its guard spec and its work, shared by its route handler and its server action. */
export interface AdminOp<I, O> {
  spec: GuardSpec<I>;
  run: (ctx: GuardContext<I>) => Promise<O>;
}

export function adminOp<I, O>(spec: GuardSpec<I>, run: (ctx: GuardContext<I>) => Promise<O>): AdminOp<I, O> {
  return { spec, run };
}
