#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# hvsock_scale.py PORT CONNS MIB GOFILE DEVICES: the host's side of
# 88-hvsock's scale check.  Opens CONNS TCP connections to 127.0.0.1:PORT
# (hvsim relays each to a Hyper-V socket connection to the guest, whose
# echo service sends everything back), one after the other, each once the
# previous one's channel is open in hvsim's DEVICES list (a guest has 2 s
# to open an offer, which a burst of offers misses under a loaded TCG),
# prints "connected" and waits for GOFILE to exist
# (the caller counts the open channels meanwhile), then sends MIB MiB in
# all, spread over the connections, each its own pseudo-random stream, and
# reads back the echo.  Prints one line per failed connection and a
# summary "ok CONNS MIB SECONDS" or "failed N of CONNS"; exit 0 when every
# connection got back the sha256 of what it sent.
import hashlib
import os
import random
import socket
import sys
import threading
import time

CHUNK = 64 << 10


def channels_open(devices):
    with open(devices) as f:
        return sum(1 for l in f if "class=hvsock" in l and "state=open" in l)


def run(port, conns, total, gofile, devices):
    each = total // conns
    socks = []
    base = channels_open(devices)
    for i in range(conns):
        s = socket.create_connection(("127.0.0.1", port), timeout=600)
        socks.append(s)
        t = time.time() + 60
        while channels_open(devices) < base + i + 1 and time.time() < t:
            time.sleep(0.05)
    print("connected", flush=True)
    while not os.path.exists(gofile):
        time.sleep(0.1)
    go = threading.Event()
    sent = [None] * conns
    got = [None] * conns
    errors = [None] * conns

    def send(i):
        h = hashlib.sha256()
        rnd = random.Random(i)
        go.wait()
        try:
            left = each
            while left:
                b = rnd.randbytes(min(CHUNK, left))
                socks[i].sendall(b)
                h.update(b)
                left -= len(b)
            socks[i].shutdown(socket.SHUT_WR)
        except OSError as e:
            errors[i] = "send: %s" % e
        sent[i] = h.hexdigest()

    def recv(i):
        h = hashlib.sha256()
        n = 0
        try:
            while True:
                b = socks[i].recv(CHUNK)
                if not b:
                    break
                h.update(b)
                n += len(b)
        except OSError as e:
            errors[i] = "recv after %d bytes: %s" % (n, e)
        got[i] = (h.hexdigest(), n)

    threads = []
    for i in range(conns):
        for f in (send, recv):
            t = threading.Thread(target=f, args=(i,))
            t.start()
            threads.append(t)
    t0 = time.time()
    go.set()
    for t in threads:
        t.join()
    secs = time.time() - t0
    bad = 0
    for i in range(conns):
        socks[i].close()
        if errors[i] or got[i][0] != sent[i]:
            bad += 1
            print("conn %d: %s, %d of %d bytes back" % (i, errors[i] or "sha256 differs",
                                                       got[i][1], each))
    if bad:
        print("failed %d of %d" % (bad, conns))
        return 1
    print("ok %d %d %.1f" % (conns, each * conns >> 20, secs))
    return 0


if __name__ == "__main__":
    sys.exit(run(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) << 20, sys.argv[4],
                 sys.argv[5]))
