#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""evdev helper of the input tests (86-input*.sh) and benchmark (bench/input.sh).

  input_evdev.py find mouse|keyboard
      the /dev/input/eventN of the synthetic device (phys "vmbus/...")
  input_evdev.py caps EVENT
      its capabilities: "ev ...", "abs ...", "rel ...", "key ..." (codes)
  input_evdev.py run EVENT INJECT CMD...
      open EVENT, write each CMD to the hvsim INJECT file, print the events
      each produced ("EV_KEY 272 1"; SYN and MSC left out), one frame each
  input_evdev.py led EVENT CODE VALUE
      write an EV_LED event (LED_NUML 0, LED_CAPSL 1, LED_SCROLLL 2)
  input_evdev.py hold EVENT SECONDS
      keep EVENT open (and read it) for SECONDS or until it goes away;
      prints "open" once it is, "gone" if the device disappeared under it
  input_evdev.py latency EVENT INJECT N mouse|keyboard
      N injections, each timed from the write to its frame: to the frame's
      evdev timestamp (CLOCK_MONOTONIC) and to the reader having it
"""
import fcntl
import glob
import os
import select
import struct
import sys
import time

EVENT = struct.Struct("llHHi")
EV_SYN, EV_KEY, EV_REL, EV_ABS, EV_MSC, EV_LED = 0, 1, 2, 3, 4, 0x11
EVIOCSCLOCKID = 0x400445a0
NAMES = {EV_KEY: "EV_KEY", EV_REL: "EV_REL", EV_ABS: "EV_ABS"}


def find(kind):
    for d in sorted(glob.glob("/sys/class/input/input*")):
        try:
            phys = open(d + "/phys").read().strip()
            name = open(d + "/name").read().strip()
        except OSError:
            continue
        if not phys.startswith("vmbus/"):
            continue
        if (kind == "mouse") != ("Mouse" in name):
            continue
        for ev in glob.glob(d + "/event*"):
            return "/dev/input/" + os.path.basename(ev)
    return None


def bits(path):
    """The codes set in a sysfs capability bitmap (words, highest first)."""
    words = open(path).read().split()
    out = []
    for i, w in enumerate(reversed(words)):
        v = int(w, 16)
        out += [i * 64 + b for b in range(64) if v >> b & 1]
    return out


def caps(event):
    d = "/sys/class/input/%s/device/capabilities/" % os.path.basename(event)
    for kind in ("ev", "abs", "rel", "key"):
        print(kind, " ".join(str(c) for c in bits(d + kind)))


def frame(fd, timeout):
    """The events up to the next SYN_REPORT, or what came before timeout."""
    out = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return out, False
        data = os.read(fd, EVENT.size)
        _, _, typ, code, value = EVENT.unpack(data)
        if typ == EV_SYN and code == 0:
            return out, True
        if typ in NAMES:
            out.append("%s %d %d" % (NAMES[typ], code, value))


def inject(path, cmd):
    with open(path, "w") as f:
        f.write(cmd)


def run(event, inj, cmds):
    fd = os.open(event, os.O_RDONLY)
    for cmd in cmds:
        inject(inj, cmd)
        events, _ = frame(fd, 3)
        for e in events:
            print(e)
    os.close(fd)


def led(event, code, value):
    fd = os.open(event, os.O_WRONLY)
    os.write(fd, EVENT.pack(0, 0, EV_LED, code, value) + EVENT.pack(0, 0, EV_SYN, 0, 0))
    os.close(fd)


def hold(event, seconds):
    fd = os.open(event, os.O_RDONLY)
    print("open", flush=True)
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                if not os.read(fd, EVENT.size):
                    break
            except OSError:
                print("gone")
                return
        if not os.path.exists(event):
            print("gone")
            return
    os.close(fd)


def latency(event, inj, n, kind):
    fd = os.open(event, os.O_RDONLY)
    fcntl.ioctl(fd, EVIOCSCLOCKID, struct.pack("i", time.CLOCK_MONOTONIC))
    ifd = os.open(inj, os.O_WRONLY)
    stamp, woke = [], []
    for i in range(n):
        if kind == "mouse":
            cmd = "move %d %d" % (1000 + i % 2, 2000)
        else:
            cmd = "key 30 %s" % ("down" if i % 2 == 0 else "up")
        t0 = time.monotonic_ns()
        os.write(ifd, cmd.encode())
        ts = frame_stamp(fd, 2)
        t1 = time.monotonic_ns()
        if ts:
            stamp.append(ts - t0)
            woke.append(t1 - t0)
    os.close(ifd)
    os.close(fd)
    if not stamp:
        print("%-9s no events arrived" % kind)
        return
    print("%-9s events=%d lost=%d  to evdev: median_us=%.1f p99_us=%.1f"
          "  to reader: median_us=%.1f p99_us=%.1f" %
          ((kind, len(stamp), n - len(stamp)) + pct(stamp) + pct(woke)))


def pct(v):
    v = sorted(v)
    return (v[len(v) // 2] / 1000, v[min(len(v) - 1, len(v) * 99 // 100)] / 1000)


def frame_stamp(fd, timeout):
    """The timestamp (ns) of the next SYN_REPORT, or None."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        sec, usec, typ, code, _ = EVENT.unpack(os.read(fd, EVENT.size))
        if typ == EV_SYN and code == 0:
            return sec * 1000000000 + usec * 1000


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "find" and len(argv) == 3:
        ev = find(argv[2])
        if not ev:
            return 1
        print(ev)
    elif cmd == "caps" and len(argv) == 3:
        caps(argv[2])
    elif cmd == "run" and len(argv) >= 4:
        run(argv[2], argv[3], argv[4:])
    elif cmd == "led" and len(argv) == 5:
        led(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == "hold" and len(argv) == 4:
        hold(argv[2], argv[3])
    elif cmd == "latency" and len(argv) == 6:
        latency(argv[2], argv[3], int(argv[4]), argv[5])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
