// Runs before every test file: keep the AWS SDK quiet and make sure nothing reaches a real account.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.CDK_DISABLE_CLI_TELEMETRY = 'true';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDTESTONLY';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-only-secret';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
delete process.env.CDK_DEFAULT_ACCOUNT;
delete process.env.CDK_DEFAULT_REGION;
// aws-cdk-lib validates every synthesized template against the CloudFormation schema with a
// WebAssembly engine that takes about 3 s to start in each test file. Template tests assert the
// templates themselves; the real `cdk synth` (`npm run synth`, cfn-lint in the integration tier)
// keeps that validation on.
process.env.CDK_VALIDATION = 'false';
