import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { arnFinding, suppress, suppressWildcards } from './nag';

/** The repository root (where package.json and package-lock.json are). */
export const PROJECT_ROOT = resolve(__dirname, '..');

/**
 * CloudFormation metadata key on every matchcast function resource: the handler module,
 * relative to the project root (`lambda/handlers/<handlerName>.ts`). Local mode
 * (local/template.ts `functions`) imports that very module, so the two cannot drift.
 */
export const ENTRY_METADATA_KEY = 'matchcast:entry';

/** Value of `POWERTOOLS_SERVICE_NAME` on every function (the service name in every log line). */
export const SERVICE_NAME = 'matchcast';

/**
 * How every function is bundled: minified, for Node 22, without the AWS SDK v3 — the
 * nodejs22.x runtime provides it (AWS Lambda "Node.js runtimes": SDK for JavaScript v3
 * included), so esbuild leaves every `@aws-sdk/*` import external, while the `@smithy/*`
 * packages we import directly stay bundled. The DynamoDB client alone is ~340 KB minified,
 * more than a function's whole size budget (≤ 250 KiB, ≤ 150 KiB for the tick). A package's
 * ES module build is preferred to its CommonJS one (`mainFields: module, main`; esbuild's
 * default for the node platform is `main, module`): only ES modules can be tree-shaken, and
 * @smithy/signature-v4's CommonJS build requires whole @smithy/core submodules (~130 KiB,
 * almost all unused; its ES build bundles to ~14 KiB). Without source maps: a map is 3–5 times the bundle's size and `--enable-source-maps` makes every
 * stack trace pay for parsing it; log lines name ids, not source lines.
 * test/lib/function.test.ts bundles every handler with these options and checks its size.
 */
export const BUNDLING = {
  minify: true,
  sourceMap: false,
  target: 'node22',
  bundleAwsSDK: false,
  forceDockerBundling: false,
  mainFields: ['module', 'main'],
} as const;

/** Handler module names: `^[a-z][a-z0-9-]*$`, the file name under lambda/handlers/ without `.ts`. */
const HANDLER_NAME = /^[a-z][a-z0-9-]*$/;

/** Properties of {@link MatchcastFunction}. */
export interface MatchcastFunctionProps {
  /**
   * The handler module: `lambda/handlers/<handlerName>.ts`, exporting `handler`.
   * Must match `^[a-z][a-z0-9-]*$` and the file must exist.
   */
  readonly handlerName: string;
  /**
   * Memory in MB (128–10,240, the Lambda limits).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Function timeout (1 s – 15 min, the Lambda limit).
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables, added to `POWERTOOLS_SERVICE_NAME`.
   * @default - only that one
   */
  readonly environment?: Record<string, string>;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Anything else NodejsFunction accepts (reserved concurrency, description, …). The
   * entry, runtime, architecture, bundling and logging above always win.
   * @default - none
   */
  readonly functionProps?: Omit<NodejsFunctionProps, 'entry' | 'handler' | 'runtime' | 'architecture' | 'bundling' | 'logGroup' | 'environment' | 'memorySize' | 'timeout' | 'role'>;
}

/**
 * One matchcast Lambda: `lambda/handlers/<handlerName>.ts` bundled by the locally installed
 * esbuild (never Docker) for Node.js 22 on arm64 (docs/ARCHITECTURE.md), with the runtime's
 * AWS SDK v3 ({@link BUNDLING}), logging to its own log group (one month by default).
 *
 * Its execution role (sibling construct `<id>ServiceRole`) has no managed policy: instead of
 * `AWSLambdaBasicExecutionRole` (`logs:CreateLogGroup`/`CreateLogStream`/`PutLogEvents` on
 * `*`) it may only write to its own log group (`logs:CreateLogStream`, `logs:PutLogEvents`
 * on that group's ARN). Grants add to this role's default policy as usual.
 *
 * The function resource carries the metadata `matchcast:entry` = the entry path relative
 * to the project root, which local mode reads to import the same module.
 *
 * @throws Error naming `handlerName` when it is malformed or its file does not exist;
 *   naming `memorySize` / `timeout` when they are outside the Lambda limits.
 */
export class MatchcastFunction extends NodejsFunction {
  /** The handler module name, e.g. `tick`. */
  public readonly handlerName: string;
  /** The entry file relative to the project root, e.g. `lambda/handlers/tick.ts`. */
  public readonly entryPath: string;

  constructor(scope: Construct, id: string, props: MatchcastFunctionProps) {
    const entryPath = validateProps(props);
    // The log group is a sibling (stable id `<id>Logs`): it must exist before super().
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // So is the role: least privilege instead of the managed AWSLambdaBasicExecutionRole.
    const role = new iam.Role(scope, `${id}ServiceRole`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `matchcast ${props.handlerName} function: writes its own log group only, plus its grants`,
    });
    logGroup.grants.write(role);
    super(scope, id, {
      ...props.functionProps,
      role,
      entry: join(PROJECT_ROOT, entryPath),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...props.environment,
      },
      bundling: { ...BUNDLING, mainFields: [...BUNDLING.mainFields] },
    });
    this.handlerName = props.handlerName;
    this.entryPath = entryPath;
    (this.node.defaultChild as CfnResource).addMetadata(ENTRY_METADATA_KEY, entryPath);
    suppress(
      this,
      'L1',
      'Node.js 22 is pinned on purpose (docs/ARCHITECTURE.md): esbuild targets node22 and local mode runs these very handler modules in-process on Node 20+/22, so the deployed runtime matches what the tests exercise. A runtime upgrade is a deliberate change of that pin, not a drift.',
    );
  }

  /**
   * `grantInvoke` to `grantee`, and its name in `grantee`'s environment as `envName`: what a
   * function that invokes this one needs. grantInvoke grants `lambda:InvokeFunction` on this
   * function and `<its ARN>:*` (its versions and aliases); that wildcard is this one function's,
   * which the cdk-nag suppression (AwsSolutions-IAM5) on `grantee` says, naming `what` it is.
   */
  public grantInvokeTo(grantee: MatchcastFunction, envName: string, what: string): void {
    grantee.addEnvironment(envName, this.functionName);
    this.grantInvoke(grantee);
    suppressWildcards(grantee, `lambda:InvokeFunction on ${what} and \`<its ARN>:*\` (its versions and aliases), as grantInvoke grants it: that one function only.`, [
      arnFinding(this, ':*'),
    ]);
  }
}

function validateProps(props: MatchcastFunctionProps): string {
  if (!HANDLER_NAME.test(props.handlerName)) {
    throw new Error(`MatchcastFunction: handlerName must match ${HANDLER_NAME}, got "${props.handlerName}"`);
  }
  const entryPath = `lambda/handlers/${props.handlerName}.ts`;
  if (!existsSync(join(PROJECT_ROOT, entryPath))) {
    throw new Error(`MatchcastFunction: handlerName "${props.handlerName}" has no module ${entryPath}`);
  }
  if (props.memorySize !== undefined && (!Number.isInteger(props.memorySize) || props.memorySize < 128 || props.memorySize > 10_240)) {
    throw new Error(`MatchcastFunction: memorySize must be an integer from 128 to 10240 MB, got ${props.memorySize}`);
  }
  if (props.timeout !== undefined && !props.timeout.isUnresolved()) {
    const s = props.timeout.toSeconds();
    if (s < 1 || s > 900) throw new Error(`MatchcastFunction: timeout must be 1 s to 15 min (the Lambda limit), got ${s} s`);
  }
  return entryPath;
}
