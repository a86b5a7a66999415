import { Box, Text } from 'ink';
import { theme } from './theme.js';
import { fit } from './text.js';
import type { BuildMark } from './use-builds.js';

/** The selected snapshot's builds with ratings and crashes; then which of them regressed, and why. */
export function buildSummary(
  id: string,
  builds: readonly BuildMark[] | undefined,
): { builds: string; regressions: string } {
  if (!builds?.length) return { builds: `no build was made from ${id}`, regressions: '' };
  const list = builds.map((b) => {
    const rating =
      b.average === null
        ? 'no feedback yet'
        : `★${b.average.toFixed(2)} (${b.count} ` +
          `rating${b.count === 1 ? '' : 's'}${b.crashes ? `, ${b.crashes} crash${b.crashes === 1 ? '' : 'es'}` : ''})`;
    return `${b.label} ${rating}`;
  });
  const regressions = builds
    .filter((b) => b.regression.length)
    .map((b) => `REGRESSION ${b.label} vs ${b.previous}: ${b.regression.join('; ')}`);
  return { builds: `builds from ${id}: ${list.join(' · ')}`, regressions: regressions.join(' · ') };
}

/** Lines the panel takes: the builds, then up to two for regressions. */
export const BUILD_PANEL_HEIGHT = 3;

/** Game persona: three lines under the timeline about the selected snapshot's builds. */
export function BuildPanel({
  id,
  builds,
  error,
  width,
}: {
  id: string;
  builds: readonly BuildMark[] | undefined;
  error: string | null;
  width: number;
}) {
  const s = buildSummary(id, builds);
  let color = builds?.length ? theme.build : theme.dim;
  if (error) color = theme.error;
  return (
    <Box flexDirection="column" height={BUILD_PANEL_HEIGHT} width={width}>
      <Text color={color} wrap="truncate">
        {fit(error ? `builds: ${error}` : s.builds, width)}
      </Text>
      <Box height={BUILD_PANEL_HEIGHT - 1} overflow="hidden">
        <Text color={theme.error} bold wrap="wrap">
          {s.regressions || ' '}
        </Text>
      </Box>
    </Box>
  );
}
