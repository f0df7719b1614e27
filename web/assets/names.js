// Names for ids. Many API answers carry only ids (body_id, obligor_id, official ids, agreement_id, region
// codes); this module turns them into the names people know, through GET /bodies/{id},
// /organizations/{id}, /officials/{id}, /agreements/{id}, /commitments/{id} and /regions, with a cache for
// the tab's life. It is the only place that does so: once the API answers carry names themselves
// (issue #14, "names not ids"), the pages read those and this module goes.
import {get, getAll} from './api.js';

const cache = new Map(); // "kind:id" -> Promise<record|null>
let regions = null; // Promise<Map<code, region>>

const ROUTES = {
  body: (id) => `/bodies/${encodeURIComponent(id)}`,
  organization: (id) => `/organizations/${encodeURIComponent(id)}`,
  official: (id) => `/officials/${encodeURIComponent(id)}`,
  agreement: (id) => `/agreements/${encodeURIComponent(id)}`,
  commitment: (id) => `/commitments/${encodeURIComponent(id)}`,
  fact: (id) => `/facts/${encodeURIComponent(id)}`,
};

/** The record of `kind` with `id`, or null when it cannot be read (deleted, out of scope). */
export function record(kind, id) {
  if (!id) return Promise.resolve(null);
  const key = `${kind}:${id}`;
  if (!cache.has(key)) cache.set(key, get(ROUTES[kind](id)).catch(() => null));
  return cache.get(key);
}

/** Every region (public reference data, a few hundred rows), by code. */
export function allRegions() {
  if (!regions) {
    regions = getAll('/regions').then((items) => new Map(items.map((r) => [r.code, r])))
      .catch((e) => { regions = null; throw e; });
  }
  return regions;
}

/** The display name: a body's, organization's or official's name, an agreement's or commitment's title. */
export async function name(kind, id) {
  if (!id) return '';
  if (kind === 'region') {
    const r = (await allRegions().catch(() => new Map())).get(id);
    return r ? r.name : id;
  }
  const r = await record(kind, id);
  if (!r) return id;
  return r.name || r.title || id;
}

/** Names of many ids at once: Map id -> name. */
export async function names(kind, ids) {
  const unique = [...new Set(ids.filter(Boolean))];
  const resolved = await Promise.all(unique.map((id) => name(kind, id)));
  return new Map(unique.map((id, i) => [id, resolved[i]]));
}

/** The kind of record an obligor id names: a body for the government side, else an organization. */
export function obligorKind(side) {
  return side === 'government' ? 'body' : 'organization';
}

/** Adds `names` to breaches: obligor, body, agreement, commitment, region and official names. */
export async function nameBreaches(breaches) {
  const [bodies, orgs, agreements, commitments, regionMap, officials] = await Promise.all([
    names('body', breaches.flatMap((b) => [b.body_id, b.obligor_side === 'government' ? b.obligor_id : null])),
    names('organization', breaches.filter((b) => b.obligor_side !== 'government').map((b) => b.obligor_id)),
    names('agreement', breaches.map((b) => b.agreement_id)),
    names('commitment', breaches.map((b) => b.commitment_id)),
    names('region', breaches.map((b) => b.region)),
    names('official', breaches.flatMap((b) => [...(b.performing_officials || []), b.committing_official])),
  ]);
  for (const b of breaches) {
    b.names = {
      obligor: (b.obligor_side === 'government' ? bodies : orgs).get(b.obligor_id) || b.obligor_id,
      body: bodies.get(b.body_id) || b.body_id,
      agreement: agreements.get(b.agreement_id) || b.agreement_id || '',
      commitment: commitments.get(b.commitment_id) || b.commitment_id || '',
      region: regionMap.get(b.region) || b.region,
      officials: (b.performing_officials || []).map((id) => officials.get(id) || id),
      committing: officials.get(b.committing_official) || b.committing_official || '',
    };
  }
  return breaches;
}
