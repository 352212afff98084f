/**
 * CloudFormation DescribeStacks (query protocol) from the sandbox's "deployed" stacks, with the
 * outputs `aactl rollout` and `aactl status` read. Stacks are regional, as in AWS: a stack is
 * found only in its own region.
 */
import type { StackSpec } from '../deployment';
import type { ApiResponse } from './route53-api';
import { xmlDocument, type XmlElement } from './xml';

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** Answer a CloudFormation query request made in `region`. */
export function cloudFormationRequest(
  stacks: readonly StackSpec[],
  region: string,
  form: URLSearchParams,
  startedAt: Date,
): ApiResponse {
  const action = form.get('Action');
  if (action !== 'DescribeStacks')
    return queryError(
      400,
      'InvalidAction',
      `the sandbox does not serve CloudFormation ${String(action)}`,
    );
  const name = form.get('StackName');
  const inRegion = stacks.filter((stack) => stack.region === region);
  const found = name === null ? inRegion : inRegion.filter((stack) => stack.stackName === name);
  if (name !== null && found.length === 0) {
    return queryError(400, 'ValidationError', `Stack with id ${name} does not exist`);
  }
  const members = found.map((stack): XmlElement => [
    'member',
    [
      [
        'StackId',
        `arn:aws:cloudformation:${stack.region}:000000000000:stack/${stack.stackName}/sandbox`,
      ],
      ['StackName', stack.stackName],
      ['CreationTime', startedAt.toISOString()],
      ['StackStatus', 'CREATE_COMPLETE'],
      ['Description', 'deployed into the local sandbox'],
      [
        'Outputs',
        Object.entries(stack.outputs).map(([key, value]): XmlElement => [
          'member',
          [
            ['OutputKey', key],
            ['OutputValue', value],
          ],
        ]),
      ],
    ],
  ]);
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: xmlDocument('DescribeStacksResponse', NAMESPACE, [
      ['DescribeStacksResult', [['Stacks', members]]],
      ['ResponseMetadata', [['RequestId', 'sandbox']]],
    ]),
  };
}

/** A query-protocol error. */
export function queryError(status: number, code: string, message: string): ApiResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: xmlDocument('ErrorResponse', NAMESPACE, [
      [
        'Error',
        [
          ['Type', 'Sender'],
          ['Code', code],
          ['Message', message],
        ],
      ],
      ['RequestId', 'sandbox'],
    ]),
  };
}
