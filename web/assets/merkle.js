// Checks a trail inclusion proof in the browser, independently of the server (RFC 9162 §2.1.3.2, as
// docs/TRAIL.md §4 describes the tree): leaf hash SHA-256(0x00 || entry hash), interior nodes
// SHA-256(0x01 || left || right). SHA-256 is computed here (FIPS 180-4) so that the check also works
// where WebCrypto is unavailable (plain http on another host than localhost).

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 of bytes. */
export function sha256(bytes) {
  const bitLength = bytes.length * 8;
  const padded = new Uint8Array(((bytes.length + 9 + 63) >> 6) << 6);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const hash = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = hash;
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      h = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    [a, b, c, d, e, f, g, h].forEach((v, i) => { hash[i] = (hash[i] + v) >>> 0; });
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  hash.forEach((v, i) => outView.setUint32(i * 4, v));
  return out;
}

export function fromHex(hex) {
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new Error(`not hex: ${hex}`);
  return new Uint8Array(hex.match(/../g)?.map((b) => parseInt(b, 16)) || []);
}
export function toHex(bytes) {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function node(prefix, ...parts) {
  const total = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  total[0] = prefix;
  let at = 1;
  for (const p of parts) { total.set(p, at); at += p.length; }
  return sha256(total);
}

/** The leaf hash of an entry's 32-byte hash. */
export function leafHash(entryHashHex) {
  return toHex(node(0x00, fromHex(entryHashHex)));
}

/**
 * Verifies a proof answer of GET /trail/entries/{seq}/proof: the leaf hash recomputed from the entry hash,
 * and the root recomputed from it and the audit path. Returns {ok, leaf, root, why}.
 */
export function verifyInclusion(proof) {
  const leaf = leafHash(proof.entry_hash);
  if (leaf !== proof.leaf_hash) return {ok: false, leaf, why: '叶子哈希与条目哈希不符'};
  let fn = proof.leaf_index;
  let sn = proof.tree_size - 1;
  if (fn > sn) return {ok: false, leaf, why: '叶子序号超出树的大小'};
  let r = fromHex(leaf);
  for (const hex of proof.audit_path) {
    const p = fromHex(hex);
    if (sn === 0) return {ok: false, leaf, why: '审计路径过长'};
    if (fn % 2 === 1 || fn === sn) {
      r = node(0x01, p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = node(0x01, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  const root = toHex(r);
  if (sn !== 0) return {ok: false, leaf, root, why: '审计路径过短'};
  if (root !== proof.root_hash) return {ok: false, leaf, root, why: '重算的根哈希与服务器给出的不符'};
  return {ok: true, leaf, root};
}
