#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""One TCP transfer with a SHA-256 of what each end saw (for 73-netvsc-*.sh).

  netvsc_xfer.py recv ADDR PORT        listen, print the digest of all received
  netvsc_xfer.py send ADDR PORT BYTES  connect, send BYTES of pseudo-random
                                       data, print its digest
"""
import hashlib
import os
import socket
import sys

CHUNK = 1 << 20


def recv(addr, port):
    srv = socket.create_server((addr, port))
    conn, _ = srv.accept()
    digest, total = hashlib.sha256(), 0
    while True:
        data = conn.recv(CHUNK)
        if not data:
            break
        digest.update(data)
        total += len(data)
    print(total, digest.hexdigest())


def send(addr, port, size):
    pool = os.urandom(4 * CHUNK)
    view = memoryview(pool)
    sock = socket.create_connection((addr, port), timeout=60)
    digest, sent, i = hashlib.sha256(), 0, 0
    while sent < size:
        off = (i * 7919 * 64) % (3 * CHUNK)
        chunk = view[off:off + min(CHUNK, size - sent)]
        sock.sendall(chunk)
        digest.update(chunk)
        sent += len(chunk)
        i += 1
    sock.shutdown(socket.SHUT_WR)
    sock.recv(1)
    print(sent, digest.hexdigest())


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(sys.argv[2], int(sys.argv[3]))
    else:
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
