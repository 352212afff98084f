/**
 * Every error code the API function answers with, by status: the table of docs/api.md, as the
 * OpenAPI document lists it. The conformance tests fail on a code answered that is not here.
 */
export const ERROR_CODES = {
  400: {
    invalid_id: 'a path id is malformed, or a case reference was not issued by this API',
    invalid_path: 'a path segment is not valid percent-encoding',
    invalid_header: 'a request header has a value the API does not accept',
    invalid_session_token: 'X-Session-Token is forged, expired or malformed',
    invalid_json: 'the body is not a JSON object',
    invalid_query: 'an unknown query parameter, a bad value, or a forged cursor',
    unexpected_body: 'a GET took a body',
  },
  404: { not_found: 'no such route or object' },
  405: { method_not_allowed: 'the path exists with other methods (see the Allow header)' },
  409: {
    reconciliation_pending: 'money with concurrent versions: the case waits for a person',
    idempotency_in_progress: 'a request with this Idempotency-Key is still running',
    write_contention: 'concurrent updates kept colliding; retry',
    case_closed: 'the case is already resolved',
    case_stale: 'a newer conflict superseded the case; review it again',
  },
  413: { body_too_large: 'the body is over 64 KB' },
  415: { unsupported_media_type: 'the body is not application/json' },
  421: { wrong_region: 'this region may not run the write (see homeRegion and url)' },
  422: {
    unknown_field: 'the body has a field the route does not take',
    invalid_body: 'a field is out of range or of the wrong type',
    invalid_number: 'a number is not finite or beyond ±1e15',
    invalid_string: 'a string holds an unpaired UTF-16 surrogate',
    idempotency_key_reused: 'the Idempotency-Key was used for a different request',
    currency_mismatch: 'the entry is not in the currency of the account',
    balance_out_of_range: 'the balance would leave the safe integer range',
    unknown_region: 'the region is not one of the app',
    already_home: 'the tenant is already homed there',
    unknown_version: 'the case has no such version',
    consistency_unavailable: 'quorum is not offered: use strong',
  },
  500: { internal_error: 'unexpected failure: quote the requestId' },
  503: {
    region_unavailable: 'a replica this consistency needs did not answer',
    replica_unavailable: "this region's own replica did not answer",
    session_unavailable: 'a region holding writes of your session did not answer',
    handoff_pending: 'the new home has not caught up yet',
    outcome_unknown: "an earlier attempt's outcome cannot be established yet",
    ownership_unsettled: "the tenant's home kept moving",
    clock_skew: "this region's clock is over 60 s off AWS time",
  },
} as const satisfies Record<number, Record<string, string>>;

/** A status the API function answers errors with. */
export type ErrorStatus = keyof typeof ERROR_CODES;
