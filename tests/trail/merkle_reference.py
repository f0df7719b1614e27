#!/usr/bin/env python3
"""Independent RFC 9162 Merkle tree reference for tests/trail/merkle_test.cpp.

Uses only hashlib and the recursive definitions of RFC 9162 sections 2.1.1 (MTH), 2.1.3.1 (PATH) and
2.1.4.1 (PROOF/SUBPROOF), written from the RFC text and sharing no code with the C++ implementation.
Leaf i (0-based) is SHA-256 of the decimal text of i, e.g. sha256(b"7").

Prints one JSON object: {"leaves": [hex...], "trees": [{"size": n, "root": hex,
"inclusion": [[hex...] for m in 0..n-1], "consistency": {"m": [hex...] for m in 1..n}}]} for n in 1..70.
"""
import functools
import hashlib
import json
import sys

MAX_SIZE = 70
LEAVES = [hashlib.sha256(str(i).encode()).digest() for i in range(MAX_SIZE)]


def largest_power_of_two_below(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


@functools.lru_cache(maxsize=None)
def mth(start, end):
    """MTH(D[start:end])."""
    n = end - start
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + LEAVES[start]).digest()
    k = largest_power_of_two_below(n)
    return hashlib.sha256(b"\x01" + mth(start, start + k) + mth(start + k, end)).digest()


def path(m, start, end):
    """PATH(m, D[start:end])."""
    n = end - start
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return path(m, start, start + k) + [mth(start + k, end)]
    return path(m - k, start + k, end) + [mth(start, start + k)]


def subproof(m, start, end, b):
    """SUBPROOF(m, D[start:end], b)."""
    n = end - start
    if m == n:
        return [] if b else [mth(start, end)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return subproof(m, start, start + k, b) + [mth(start + k, end)]
    return subproof(m - k, start + k, end, False) + [mth(start, start + k)]


def main():
    trees = []
    for n in range(1, MAX_SIZE + 1):
        trees.append({
            "size": n,
            "root": mth(0, n).hex(),
            "inclusion": [[h.hex() for h in path(m, 0, n)] for m in range(n)],
            "consistency": {str(m): [h.hex() for h in subproof(m, 0, n, True)] for m in range(1, n + 1)},
        })
    json.dump({"leaves": [leaf.hex() for leaf in LEAVES], "trees": trees}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
