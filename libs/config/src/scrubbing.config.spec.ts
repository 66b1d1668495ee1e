import { ConfigError } from './env-reader';
import { loadGatewayConfig } from './gateway.config';
import { loadWriterConfig } from './writer.config';

describe.each([
  ['loadGatewayConfig', loadGatewayConfig],
  ['loadWriterConfig', loadWriterConfig],
])('%s scrubbing', (_name, load) => {
  it('scrubs by default, with no extra words', () => {
    expect(load({}).scrubbing).toEqual({ enabled: true, extraWords: [] });
    expect(load({ SCRUB_COMMAND_LINES: '  ' }).scrubbing.enabled).toBe(true);
  });

  it.each(['off', 'false', 'no', '0', 'OFF'])('turns off only when told explicitly (%s)', (value) => {
    expect(load({ SCRUB_COMMAND_LINES: value }).scrubbing.enabled).toBe(false);
  });

  it('refuses a value that is neither on nor off instead of guessing', () => {
    expect(() => load({ SCRUB_COMMAND_LINES: 'disabled' })).toThrow(ConfigError);
    expect(() => load({ SCRUB_COMMAND_LINES: 'disabled' })).toThrow(/SCRUB_COMMAND_LINES/);
  });

  it('reads extra words, comma-separated, with wildcards', () => {
    expect(load({ SCRUB_EXTRA_WORDS: 'consul_token, *pin*,x-license-key' }).scrubbing.extraWords).toEqual(['consul_token', '*pin*', 'x-license-key']);
  });

  it('refuses an extra word that cannot be matched, naming the variable', () => {
    expect(() => load({ SCRUB_EXTRA_WORDS: 'ok,bad word' })).toThrow(/SCRUB_EXTRA_WORDS/);
    expect(() => load({ SCRUB_EXTRA_WORDS: '*' })).toThrow(/SCRUB_EXTRA_WORDS/);
  });
});
