/**
 * Verify's check of large objects, object by object: the same OIDs on both sides, and for each its size and data
 * digest (computed by each server, so only digests cross the network), owner, grants and comment, with owners and
 * grants compared as migrate mapped them.
 */
import type { LargeObjectState } from '../model/large-objects.js';
import type { Grant } from '../model/schema-model.js';
import type { OwnerMapping } from '../model/schema-diff.js';

export interface LargeObjectDifference {
  readonly oid: number;
  readonly property: 'exists' | 'content' | 'owner' | 'grants' | 'comment';
  readonly source: string;
  readonly target: string;
}

export interface LargeObjectVerdict {
  readonly sourceObjects: number;
  readonly targetObjects: number;
  readonly differences: readonly LargeObjectDifference[];
}

/** The target role a source role became, as schema-diff maps owners (a role without counterpart → the connecting user). */
function mappedRole(owners: OwnerMapping, role: string): string | null {
  return owners.unavailable?.has(role) ? null : (owners.map[role] ?? role);
}

function grantsText(grants: readonly Grant[] | null, role: (name: string) => string | null): string {
  if (grants === null) return '(default)';
  const mapped = grants.flatMap((g) => {
    const grantee = g.grantee === null ? 'PUBLIC' : role(g.grantee);
    return grantee === null ? [] : [`${grantee}:${g.privilege}${g.grantable ? '*' : ''}`];
  });
  return mapped.sort().join(', ') || '(none)';
}

function contentText(object: LargeObjectState): string {
  return `${object.bytes} bytes, sha256-of-pieces ${object.digest.slice(0, 16)}…`;
}

/** Pure: the differences between the source's and the target's large objects, by OID. */
export function diffLargeObjects(source: readonly LargeObjectState[], target: readonly LargeObjectState[], owners: OwnerMapping): LargeObjectVerdict {
  const onTarget = new Map(target.map((o) => [o.oid, o]));
  const onSource = new Set(source.map((o) => o.oid));
  const differences: LargeObjectDifference[] = [];
  const sourceRole = (role: string) => mappedRole(owners, role);
  for (const s of source) {
    const t = onTarget.get(s.oid);
    const differ = (property: LargeObjectDifference['property'], a: string, b: string) => a !== b && differences.push({ oid: s.oid, property, source: a, target: b });
    if (!t) {
      differ('exists', 'yes', 'missing');
      continue;
    }
    if (s.bytes !== t.bytes || s.digest !== t.digest) differ('content', contentText(s), contentText(t));
    if (!owners.drop) {
      differ('owner', sourceRole(s.owner) ?? owners.connectingUser ?? s.owner, t.owner);
      differ('grants', grantsText(s.grants, sourceRole), grantsText(t.grants, (r) => r));
    }
    differ('comment', s.comment ?? '(none)', t.comment ?? '(none)');
  }
  for (const t of target) if (!onSource.has(t.oid)) differences.push({ oid: t.oid, property: 'exists', source: 'missing', target: 'yes' });
  return { sourceObjects: source.length, targetObjects: target.length, differences };
}
