/**
 * Imported first by every CLI entry (`scripts/*.ts`), for its side effect: keeps the CLIs'
 * output clean on Node 20.
 *
 * The AWS SDK for JavaScript v3 (`@aws-sdk/core`, `emitWarningIfUnsupportedVersion`, run when
 * a client is created) prints a multi-line `NodeVersionSupportWarning` on stderr under any
 * Node older than 22: SDK versions published after the first week of January 2027 require
 * Node 22 (AWS's announcement "AWS SDK for JavaScript aligns with Node.js release schedule",
 * aws.amazon.com/blogs/developer/aws-sdk-for-javascript-aligns-with-node-js-release-schedule/).
 * The versions this project's lockfile pins run on Node 20.19+ (package.json `engines`), so
 * the warning is noise for a CLI user; its documented opt-out is the environment variable
 * below set to `true`. A value the user set already (e.g. `false`, to see the warning) is
 * kept. Lambda functions run on nodejs22.x and never print it.
 */

/** The SDK's documented switch: `"true"` disables the Node version support warning. */
export const NODE_VERSION_WARNING_ENV = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

process.env[NODE_VERSION_WARNING_ENV] ??= 'true';
