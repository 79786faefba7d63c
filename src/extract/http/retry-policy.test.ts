import { describe, expect, it } from 'vitest';
import {
  backoffSeconds,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  retryPolicyFrom,
  retryWaitSeconds,
} from './retry-policy.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('retry policy', () => {
  it('has dlt defaults: 5 attempts, factor 1, cap 300 s, 429 and every 5xx', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(5);
    expect([1, 2, 3, 4].map((n) => backoffSeconds(n, DEFAULT_RETRY_POLICY))).toEqual([1, 2, 4, 8]);
    expect(DEFAULT_RETRY_POLICY.statusCodes.has(429)).toBe(true);
    expect(DEFAULT_RETRY_POLICY.statusCodes.has(599)).toBe(true);
    expect(DEFAULT_RETRY_POLICY.statusCodes.has(404)).toBe(false);
  });

  it("expresses the seed's policy: factor 2, at most 3 retries, the five statuses", () => {
    const policy = retryPolicyFrom({
      max_retries: 3,
      backoff_factor: 2,
      status_codes: [429, 500, 502, 503, 504],
    });
    expect(policy.maxAttempts).toBe(4);
    expect([1, 2, 3].map((n) => backoffSeconds(n, policy))).toEqual([2, 4, 8]);
    expect(policy.statusCodes.has(501)).toBe(false);
  });

  it('caps the backoff at max_delay', () => {
    expect(backoffSeconds(20, retryPolicyFrom({ max_delay: 30 }))).toBe(30);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('4', NOW)).toBe(4);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', NOW)).toBe(10);
  });

  it('ignores Retry-After that is zero, negative, in the past or unparsable', () => {
    for (const value of ['0', '-3', 'Wed, 31 Dec 2025 23:59:00 GMT', 'soon', '', undefined]) {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    }
  });

  it('lets Retry-After win over the backoff, capped by max_delay', () => {
    const policy = retryPolicyFrom({ backoff_factor: 2, max_delay: 60 });
    expect(retryWaitSeconds(1, policy, '7', NOW)).toBe(7);
    expect(retryWaitSeconds(1, policy, '0', NOW)).toBe(2);
    expect(retryWaitSeconds(1, policy, '3600', NOW)).toBe(60);
  });
});
