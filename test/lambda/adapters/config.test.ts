/** The typed configuration (lambda/adapters/config.ts): the spectate playout buffer from SPECTATE_LEAD_MS. */
import { spectateLeadMsFromEnv } from '../../../lambda/adapters/config';
import { DEFAULT_SPECTATE_LEAD_MS } from '../../../contract/defaults';

describe('spectateLeadMsFromEnv', () => {
  it('reads an integer 0–60000, and defaults when unset', () => {
    expect(spectateLeadMsFromEnv({})).toBe(DEFAULT_SPECTATE_LEAD_MS);
    expect(spectateLeadMsFromEnv({ SPECTATE_LEAD_MS: '' })).toBe(DEFAULT_SPECTATE_LEAD_MS);
    expect(spectateLeadMsFromEnv({ SPECTATE_LEAD_MS: '0' })).toBe(0);
    expect(spectateLeadMsFromEnv({ SPECTATE_LEAD_MS: '60000' })).toBe(60_000);
  });

  it.each(['-1', '60001', '2.5', 'soon'])('refuses %s, naming the variable', (v) => {
    expect(() => spectateLeadMsFromEnv({ SPECTATE_LEAD_MS: v })).toThrow('SPECTATE_LEAD_MS');
  });
});
