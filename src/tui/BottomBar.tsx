import { Box } from 'ink';
import { Confirm } from './Confirm.js';
import { FilterBar } from './FilterBar.js';
import { ProgressLine } from './ProgressLine.js';
import { Prompt } from './Prompt.js';
import { StatusBar, messageLines, type Message } from './StatusBar.js';
import type { Running } from './use-progress.js';

export interface BottomBarProps {
  width: number;
  /** the `/` filter: shown while typed and while it is on */
  filter: { text: string; editing: boolean; matches: number; pending: number; done: boolean } | null;
  /** a one-line text question (milestone name) */
  prompt: { label: string; value: string } | null;
  /** a y/n question with what it overwrites */
  confirm: { question: string; details: readonly string[] } | null;
  /** a long operation under way: its progress replaces the status line */
  running: Running | null;
  message: Message;
  /** the view's main keys, when there is no message */
  hint: string;
}

/** Lines a BottomBar takes for these props (the body gets the rest of the screen). */
export function bottomHeight(
  p: Pick<BottomBarProps, 'filter' | 'prompt' | 'confirm' | 'running' | 'message' | 'width'>,
): number {
  const status = p.running ? 1 : Math.max(1, messageLines(p.message, p.width).length);
  return (p.filter ? 1 : 0) + (p.prompt ? 2 : 0) + (p.confirm ? p.confirm.details.length + 4 : 0) + status;
}

/** Under the body: filter line, prompt, confirmation, then the status (or progress) line. */
export function BottomBar({ width, filter, prompt, confirm, running, message, hint }: BottomBarProps) {
  return (
    <Box flexDirection="column" flexShrink={0} width={width}>
      {filter ? (
        <FilterBar
          text={filter.text}
          editing={filter.editing}
          matches={filter.matches}
          pending={filter.pending}
          done={filter.done}
          width={width}
        />
      ) : null}
      {prompt ? <Prompt label={prompt.label} value={prompt.value} width={width} /> : null}
      {confirm ? <Confirm question={confirm.question} details={confirm.details} width={width} /> : null}
      {running ? (
        <ProgressLine label={running.label} view={running.view} width={width} />
      ) : (
        <StatusBar message={message} hint={hint} width={width} />
      )}
    </Box>
  );
}
