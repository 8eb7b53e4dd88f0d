import assert from 'node:assert/strict';
import { normalisePhone } from '../../src/accounts/phone.js';

describe('normalising phone numbers', () => {
  for (const [typed, expected] of [
    ['13800138000', '+8613800138000'],
    ['138 0013 8000', '+8613800138000'],
    ['138-0013-8000', '+8613800138000'],
    ['(138) 0013.8000', '+8613800138000'],
    ['+86 138 0013 8000', '+8613800138000'],
    ['8613800138000', '+8613800138000'],
    ['008613800138000', '+8613800138000'],
    ['19912345678', '+8619912345678'],
  ] as const) {
    it(`a mainland mobile typed as "${typed}" becomes ${expected}`, () => {
      assert.equal(normalisePhone(typed), expected);
    });
  }

  for (const [typed, expected] of [
    ['+852 9123 4567', '+85291234567'],
    ['0085291234567', '+85291234567'],
    ['+1 (415) 555-0100', '+14155550100'],
  ] as const) {
    it(`a number with another country code, "${typed}", keeps it as ${expected}`, () => {
      assert.equal(normalisePhone(typed), expected);
    });
  }

  for (const typed of [
    '',
    'abc',
    '+',
    '1380013800',
    '138001380001',
    '23800138000',
    '+8612345678901',
    '+86138001380',
    '+0123456789',
    '+1234567890123456',
    '13800138000x',
    '+86 138 0013 8000; 13900139000',
  ]) {
    it(`"${typed}" is not a phone number`, () => {
      assert.equal(normalisePhone(typed), null);
    });
  }

  for (const typed of ['12345678901', '8612345678901', '+8612345678901', '008612345678901']) {
    it(`a mainland number that is no mobile, typed as "${typed}", is refused in every form`, () => {
      assert.equal(normalisePhone(typed), null);
    });
  }

  it('normalising a normalised number changes nothing', () => {
    for (const typed of ['13800138000', '8613900139000', '+85291234567', '0014155550100']) {
      const once = normalisePhone(typed);
      assert.ok(once, typed);
      assert.equal(normalisePhone(once), once);
    }
  });
});
