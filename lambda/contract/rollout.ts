/**
 * The rollout as the CDK app, the Lambdas and aactl share it: the catalog of phases, domains and
 * write classes, the write policy each region runs (`WRITE_POLICY`), where writes run, and the
 * rollout guard's step check and properties. Definitions live with the rules that use them
 * (lambda/domain, lambda/rollout-guard); this is the one door the CDK app and aactl import them
 * through.
 */
export * from '../domain/catalog';
export {
  buildWritePolicy,
  domainPhaseProblems,
  parseWritePolicy,
  resolveDomainPhases,
  serializeWritePolicy,
  WRITE_POLICY_ENV,
  WRITE_POLICY_VERSION,
  WritePolicyError,
  type WritePolicy,
  type WritePolicyInput,
} from '../domain/write-policy';
export {
  isWritableInAnyRegion,
  limitedWriteClassProblems,
  ownerRegionOf,
} from '../domain/write-decision';
export * from './rollout-step';
export * from './rollout-guard-properties';
