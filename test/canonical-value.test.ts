/** The client-side row hash normalizes only forms it recognizes: any other text is compared as it is (no server needed). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalValue } from '../src/model/verify/canonical-row-hash.js';

describe('canonical values for the client-side row hash', () => {
  it('reads every spelling PostgreSQL takes for a boolean, in any case', () => {
    for (const text of ['t', 'TRUE', 'y', 'Yes', 'on', '1', ' true ']) assert.equal(canonicalValue('bool', text), 't', text);
    for (const text of ['f', 'False', 'n', 'NO', 'off', '0']) assert.equal(canonicalValue('bool', text), 'f', text);
  });

  it('keeps a text it does not recognize as a boolean as it is, so it never equals false', () => {
    for (const text of ['maybe', '', 'tru', '2']) {
      assert.equal(canonicalValue('bool', text), text);
      assert.notEqual(canonicalValue('bool', text), canonicalValue('bool', 'false'));
    }
  });

  it('lower-cases hex bytea after "\\x" and keeps any other bytea text (escape format) as it is', () => {
    assert.equal(canonicalValue('bytea', '\\xDEADbeef'), '\\xdeadbeef');
    assert.equal(canonicalValue('bytea', 'AbC\\000'), 'AbC\\000');
    assert.notEqual(canonicalValue('bytea', 'ABC'), canonicalValue('bytea', 'abc'));
  });
});
