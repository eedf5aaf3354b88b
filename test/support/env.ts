/**
 * Jest setup for every test file. This machine runs Node 20; the AWS SDK warns once per
 * process that its 2027 releases need Node 22 (Lambda runs nodejs22.x). Known and noted in
 * the README: silence it so test output shows what matters.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
