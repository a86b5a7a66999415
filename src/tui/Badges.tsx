import { Text } from 'ink';
import { theme } from './theme.js';

/** Ref names as badges: [main] [◆alpha] [#v1]. */
export function Badges({ refs }: { refs: readonly string[] }) {
  return (
    <>
      {refs.map((r) => {
        if (r.startsWith('milestones/'))
          return <Text key={r} color={theme.milestone}>{` [◆${r.slice('milestones/'.length)}]`}</Text>;
        if (r.startsWith('tags/')) return <Text key={r} color={theme.tag}>{` [#${r.slice('tags/'.length)}]`}</Text>;
        return <Text key={r} color={theme.branch}>{` [${r}]`}</Text>;
      })}
    </>
  );
}

/** How many columns the badges take. */
export function badgesWidth(refs: readonly string[]): number {
  return refs.reduce(
    (n, r) =>
      n + r.replace(/^(milestones|tags)\//, '').length + (r.startsWith('milestones/') || r.startsWith('tags/') ? 4 : 3),
    0,
  );
}
