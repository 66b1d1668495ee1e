import { isValidSensitiveWord } from '@pa/contracts';
import { EnvReader } from './env-reader';

/** Secret scrubbing of command lines (libs/contracts, createCommandLineScrubber). */
export interface ScrubbingConfig {
  /** false only when SCRUB_COMMAND_LINES says so (off, false, no, 0): secure by default */
  enabled: boolean;
  /** sensitive words added to the defaults (SCRUB_EXTRA_WORDS, comma-separated; `*` wildcards) */
  extraWords: string[];
}

export function readScrubbingConfig(r: EnvReader): ScrubbingConfig {
  return {
    enabled: r.bool('SCRUB_COMMAND_LINES', true),
    extraWords: r.list(
      'SCRUB_EXTRA_WORDS',
      [],
      isValidSensitiveWord,
      'words of letters, digits, _ - . and single * wildcards',
    ),
  };
}
