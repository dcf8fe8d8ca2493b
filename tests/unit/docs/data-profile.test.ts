import { describe, expect, it } from 'vitest';
import { isSensitiveColumn } from '../../../src/docs/data-profile.js';

describe('isSensitiveColumn', () => {
  it('hides columns named like personal or secret data, matched on whole words', () => {
    for (const name of ['email', 'customer_email', 'eMail', 'ssn', 'password', 'user_pwd', 'api_key', 'apiKey', 'auth_token', 'credit_card_number', 'phone', 'mobile_number', 'date_of_birth', 'birthDate', 'dob', 'salary', 'home_address', 'street', 'iban', 'cvv']) {
      expect(isSensitiveColumn(name), name).toBe(true);
    }
    for (const name of ['passenger_count', 'flight_id', 'origin_state', 'city', 'tokenizer_version', 'addressable_market', 'delay_minutes', 'mailed_at', 'phoneme_count']) {
      expect(isSensitiveColumn(name), name).toBe(false);
    }
  });

  it('hides columns tagged sensitive or pii, or marked so in meta', () => {
    expect(isSensitiveColumn('notes', { name: 'notes', description: '', tags: ['PII'] })).toBe(true);
    expect(isSensitiveColumn('notes', { name: 'notes', description: '', tags: ['sensitive'] })).toBe(true);
    expect(isSensitiveColumn('notes', { name: 'notes', description: '', meta: { pii: true } })).toBe(true);
    expect(isSensitiveColumn('notes', { name: 'notes', description: '', tags: ['finance'], meta: { owner: 'x' } })).toBe(false);
  });
});
