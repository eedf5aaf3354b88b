import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const ENV_NAME = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

type EmitCheck = (version: string) => void;

/** A fresh copy of the SDK's check (its "warned once" state is module-level), after `setup`. */
function freshCheck(setup: () => void): EmitCheck {
  let check: EmitCheck | undefined;
  jest.isolateModules(() => {
    setup();
    check = (require('@aws-sdk/core/client') as { emitWarningIfUnsupportedVersion: EmitCheck }).emitWarningIfUnsupportedVersion;
  });
  return check!;
}

describe('the AWS SDK Node-version warning', () => {
  const saved = process.env[ENV_NAME];
  let emitted: jest.SpyInstance;
  beforeEach(() => {
    delete process.env[ENV_NAME];
    emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => {
    emitted.mockRestore();
    if (saved === undefined) delete process.env[ENV_NAME];
    else process.env[ENV_NAME] = saved;
  });

  test('the SDK warns on Node 20 when nothing opts out (so the next test means something)', () => {
    freshCheck(() => undefined)('v20.19.0');
    expect(emitted).toHaveBeenCalledTimes(1);
    expect(String(emitted.mock.calls[0]![0])).toContain('NodeVersionSupportWarning');
  });

  test('quiet-sdk sets the documented opt-out: no warning on Node 20', () => {
    const check = freshCheck(() => require('../../../scripts/lib/quiet-sdk'));
    expect(process.env[ENV_NAME]).toBe('true');
    check('v20.19.0');
    expect(emitted).not.toHaveBeenCalled();
  });

  test('a value the user set is kept', () => {
    process.env[ENV_NAME] = 'false';
    freshCheck(() => require('../../../scripts/lib/quiet-sdk'))('v20.19.0');
    expect(process.env[ENV_NAME]).toBe('false');
    expect(emitted).toHaveBeenCalledTimes(1);
  });
});

describe('every CLI entry opts out before it creates an SDK client', () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const entries = Object.values(scripts)
    .map((cmd) => /^tsx (scripts\/[\w-]+\.ts)$/.exec(cmd)?.[1])
    .filter((f): f is string => f !== undefined);

  test('package.json has the CLI entries', () => {
    expect(entries).toEqual(expect.arrayContaining(['scripts/ingest.ts', 'scripts/publish.ts', 'scripts/token.ts', 'scripts/streams.ts', 'scripts/watch.ts', 'scripts/bench.ts']));
  });

  test('scripts/lib/cli.ts (runMain) imports quiet-sdk before anything else', () => {
    const imports = readFileSync(join(root, 'scripts/lib/cli.ts'), 'utf8').match(/^import .*$/gm) ?? [];
    expect(imports[0]).toBe("import './quiet-sdk';");
  });

  test.each(entries.map((e) => [e]))('%s starts through runMain of scripts/lib/cli.ts', (entry) => {
    const src = readFileSync(join(root, entry), 'utf8');
    expect(src).toMatch(/^import \{[^}]*\brunMain\b[^}]*\} from '\.\/lib\/cli';$/m);
  });
});
