import { CommandLineScrubber } from '../scrubbing/command-line-scrubber';

/**
 * A scrubber that remembers its answers: a fleet sends the same command lines snapshot after
 * snapshot, and scrubbing one runs a dozen regular expressions over it. Bounded by characters, in
 * two generations (the current one fills; when full it becomes the previous one and the one before
 * is dropped), so what repeats stays and memory stays under about 2 × `maxChars` characters.
 */
export function memoizeScrubber(scrub: CommandLineScrubber, maxChars = 8 * 1024 * 1024): CommandLineScrubber {
  let current = new Map<string, string>();
  let previous = new Map<string, string>();
  let chars = 0;
  return (commandLine) => {
    const known = current.get(commandLine);
    if (known !== undefined) return known;
    const answer = previous.get(commandLine) ?? scrub(commandLine);
    if (chars + commandLine.length > maxChars) {
      previous = current;
      current = new Map();
      chars = 0;
    }
    current.set(commandLine, answer);
    chars += commandLine.length + answer.length;
    return answer;
  };
}
