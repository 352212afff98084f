import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';

/** Requests per second and burst of one route. */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * Throttles routes on their own, beside the stage's throttle (route settings keyed by route key).
 * Keeps the settings earlier callers made; the stage waits for the routes (API Gateway refuses
 * settings of a route that does not exist yet).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
 */
export function throttleRoutes(
  stage: apigwv2.HttpStage,
  routes: readonly apigwv2.HttpRoute[],
  routeKeys: readonly string[],
  throttle: RouteThrottle,
): void {
  stage.node.addDependency(...routes);
  const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
  const existing = (cfnStage.routeSettings ?? {}) as Record<
    string,
    apigwv2.CfnStage.RouteSettingsProperty
  >;
  cfnStage.routeSettings = {
    ...existing,
    ...Object.fromEntries(
      routeKeys.map((key) => [
        key,
        { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit },
      ]),
    ),
  };
}
