import { MILESTONE_TYPES, type MilestoneType } from '../personas/game/milestones.js';

/** What the `m` prompt's text asks for: "beta-1" -> development milestone beta-1; "beta-1 beta" -> a beta milestone. */
export function milestoneInput(v: string): { name: string; type: MilestoneType } | { error: string } {
  const [name, type, ...rest] = v.trim().split(/\s+/);
  if (!name) return { error: 'no milestone made: the name was empty' };
  if (rest.length || (type && !MILESTONE_TYPES.includes(type as MilestoneType)))
    return { error: `no milestone made: type after the name must be one of ${MILESTONE_TYPES.join(', ')}` };
  return { name, type: (type as MilestoneType | undefined) ?? 'development' };
}
