#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Print the pairs of a KVP pool file as KEY=VALUE lines.

A pool file (/var/lib/hyperv/.kvp_pool_N, kept by hv_kvp_daemon) is a
sequence of fixed records: a 512-byte key, then a 2048-byte value, each a
NUL-terminated UTF-8 string padded with whatever follows the NUL.  This is
how cloud-init and the Azure agent read it.
"""
import sys

KEY_BYTES = 512
VALUE_BYTES = 2048
RECORD = KEY_BYTES + VALUE_BYTES


def field(raw):
    """The string before the first NUL of a fixed field."""
    return raw.split(b"\0", 1)[0].decode("utf-8")


def pairs(path):
    """The (key, value) pairs of the pool file at path."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) % RECORD:
        raise ValueError(f"{path}: {len(data)} bytes, not whole {RECORD}-byte records")
    for at in range(0, len(data), RECORD):
        rec = data[at:at + RECORD]
        yield field(rec[:KEY_BYTES]), field(rec[KEY_BYTES:])


def main():
    """kvp_pool.py N | PATH"""
    arg = sys.argv[1]
    path = f"/var/lib/hyperv/.kvp_pool_{arg}" if arg.isdigit() else arg
    for key, value in pairs(path):
        print(f"{key}={value}")


if __name__ == "__main__":
    main()
