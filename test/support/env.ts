/**
 * Jest setup for every test file (jest.config.js `setupFiles`).
 *
 * - This machine runs Node 20; the AWS SDK warns once per process that its 2027 releases
 *   need Node 22 (Lambda runs nodejs22.x). Known and noted in the README: silence it so test
 *   output shows what matters.
 * - aws-cdk-lib's built-in CloudFormation template validation runs on every `app.synth()`
 *   and costs seconds per synth (aws-cdk-lib `AppProps.builtinCloudFormationValidation`,
 *   disabled by `CDK_VALIDATION=false`). Tests turn it off unless the environment sets it;
 *   test/lib/hygiene.test.ts turns it on for one synth of the real stack and asserts it is
 *   clean, and `cdk synth` keeps it.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.CDK_VALIDATION ??= 'false';
