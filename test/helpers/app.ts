import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp, type ActiveActiveStacks } from '../../lib/app';
import { CONTEXT_KEY, parseConfig, type AppConfig, type AppConfigInput } from '../../lib/config';

/** The fixed account every test app uses. */
export const TEST_ACCOUNT = '123456789012';

const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** Feature flags exactly as cdk.json sets them (everything but the app's own key). */
export const FEATURE_FLAGS: Record<string, unknown> = Object.fromEntries(
  Object.entries(cdkJson.context).filter(([key]) => key !== CONTEXT_KEY),
);

/** The config shipped in cdk.json. */
export const DEFAULT_CONFIG_INPUT = cdkJson.context[CONTEXT_KEY] as AppConfigInput;

/** Config from cdk.json with overrides, validated, with the fixed test account. */
export function testConfig(overrides: Partial<AppConfigInput> = {}): AppConfig {
  return parseConfig({ ...DEFAULT_CONFIG_INPUT, account: TEST_ACCOUNT, ...overrides });
}

export interface TestAppOptions {
  /** Bundle the Lambda code for real (slow); construct tests skip it. */
  readonly bundle?: boolean;
  /** Run cdk-nag as the real app does. */
  readonly nag?: boolean;
  /** Where to write the assembly. */
  readonly outdir?: string;
}

/** An empty app with the cdk.json feature flags; bundling is skipped unless `bundle` is set. */
export function testApp(options: Pick<TestAppOptions, 'bundle' | 'outdir'> = {}): App {
  return new App({
    outdir: options.outdir,
    context: {
      ...FEATURE_FLAGS,
      // Construct and token creation stack traces only feed the assembly's metadata, which no test
      // reads; capturing them (through jest's source-map support) costs about 0.4 s per synth-heavy file.
      'aws:cdk:disable-stack-trace': true,
      'aws:cdk:disable-creation-stack-traces': true,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
}

/** A test app with the cdk.json feature flags, built from the given config. */
export function buildTestApp(
  config: AppConfig,
  options: TestAppOptions = {},
): { app: App; stacks: ActiveActiveStacks } {
  const app = testApp(options);
  const stacks = buildApp(app, config);
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stacks };
}
