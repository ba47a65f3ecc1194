#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Test helper for hyperv_fb (85-fb.sh, bench/fb.sh): draw test patterns into
/dev/fbN through mmap() or write(), compare hvsim's captured frame (a binary
PPM) with them pixel for pixel, and convert PPM to PNG.  Standard library
only.

  fb_tool.py mmap SEED [Y1 Y2]     draw pattern SEED (rows Y1..Y2) via mmap
  fb_tool.py write SEED [Y1 Y2]    the same via write()
  fb_tool.py check PPM LAYER...    the frame is the layers drawn in order;
                                   LAYER is SEED or SEED:Y1:Y2
  fb_tool.py blank PPM             the frame is all black
  fb_tool.py lit PPM MIN           at least MIN colour components are not 0
  fb_tool.py hold SECONDS          mmap the framebuffer and keep writing to it
  fb_tool.py mode WxH              switch modes (FBIOPUT_VSCREENINFO)
  fb_tool.py png PPM OUT [X Y W H] convert to PNG, optionally cropped
  fb_tool.py bench STATE SECONDS   full-screen update rate and write-to-frame
                                   latency, against the video host's state

FB (environment, default /dev/fb0) names the framebuffer.
"""
import fcntl
import mmap
import os
import struct
import sys
import time
import zlib

FB = os.environ.get("FB", "/dev/fb0")
SYS = "/sys/class/graphics/" + os.path.basename(FB)
NROWS = 61	# distinct rows in a pattern: a prime, so misplaced rows show


def sysfs(name):
    with open(SYS + "/" + name) as f:
        return f.read().strip()


def geometry():
    w, h = (int(v) for v in sysfs("virtual_size").split(","))
    return w, h, int(sysfs("bits_per_pixel")), int(sysfs("stride"))


def row_rgb(k, width):
    """Pattern row k as (r, g, b) tuples."""
    return [((x + 37 * k) & 0xff, ((3 * x) ^ (11 * k)) & 0xff,
             (23 * k + x // 4) & 0xff) for x in range(width)]


def pack(rgb, bpp):
    """Pixels in the framebuffer's format, and what the host shows for them."""
    if bpp == 32:
        return (b"".join(struct.pack("<BBBB", b, g, r, 0) for r, g, b in rgb),
                bytes(c for p in rgb for c in p))
    raw, shown = [], []
    for r, g, b in rgb:
        r5, g6, b5 = r >> 3, g >> 2, b >> 3
        raw.append(struct.pack("<H", r5 << 11 | g6 << 5 | b5))
        shown.extend((r5 << 3 | r5 >> 2, g6 << 2 | g6 >> 4, b5 << 3 | b5 >> 2))
    return b"".join(raw), bytes(shown)


class Pattern:
    def __init__(self, seed, width, bpp):
        self.seed = seed
        rows = [pack(row_rgb(k, width), bpp) for k in range(NROWS)]
        self.raw = [r[0] for r in rows]
        self.shown = [r[1] for r in rows]

    def index(self, y):
        return (7 * y + self.seed) % NROWS


def span(args, height):
    return (int(args[0]), int(args[1])) if len(args) >= 2 else (0, height)


def draw(how, seed, rest):
    w, h, bpp, stride = geometry()
    y1, y2 = span(rest, h)
    pat = Pattern(seed, w, bpp)
    rowbytes = w * bpp // 8
    pad = b"\0" * (stride - rowbytes)
    data = b"".join(pat.raw[pat.index(y)] + pad for y in range(y1, y2))
    fd = os.open(FB, os.O_RDWR)
    try:
        if how == "mmap":
            m = mmap.mmap(fd, stride * h)
            m[y1 * stride:y2 * stride] = data
            m.close()
        else:
            os.lseek(fd, y1 * stride, os.SEEK_SET)
            done = 0
            while done < len(data):
                done += os.write(fd, data[done:])
    finally:
        os.close(fd)


FBIOGET_VSCREENINFO = 0x4600
FBIOPUT_VSCREENINFO = 0x4601


def set_mode(size):
    """xres, yres, xres_virtual, yres_virtual lead struct fb_var_screeninfo."""
    w, h = (int(v) for v in size.split("x"))
    fd = os.open(FB, os.O_RDWR)
    try:
        var = bytearray(160)
        fcntl.ioctl(fd, FBIOGET_VSCREENINFO, var)
        struct.pack_into("<IIII", var, 0, w, h, w, h)
        try:
            fcntl.ioctl(fd, FBIOPUT_VSCREENINFO, var)
        except OSError as e:
            print("# %s: %s" % (size, e.strerror))
            return 1
    finally:
        os.close(fd)
    return 0


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    parts = data.split(b"\n", 3)
    if parts[0] != b"P6" or parts[2] != b"255":
        raise SystemExit("%s: not a binary PPM" % path)
    w, h = (int(v) for v in parts[1].split())
    if len(parts[3]) != w * h * 3:
        raise SystemExit("%s: %d bytes of pixels for %dx%d" % (path, len(parts[3]), w, h))
    return w, h, parts[3]


def check(path, layers):
    w, h, pix = read_ppm(path)
    bpp = int(sysfs("bits_per_pixel"))
    rows = [None] * h
    for layer in layers:
        f = [int(v) for v in layer.split(":")]
        pat = Pattern(f[0], w, bpp)
        y1, y2 = span(f[1:], h)
        for y in range(y1, y2):
            rows[y] = pat.shown[pat.index(y)]
    bad = 0
    first = None
    for y in range(h):
        got = pix[y * w * 3:(y + 1) * w * 3]
        if rows[y] is not None and got != rows[y]:
            bad += 1
            if first is None:
                x = next(i for i in range(w * 3) if got[i] != rows[y][i]) // 3
                first = (x, y, tuple(got[3 * x:3 * x + 3]),
                         tuple(rows[y][3 * x:3 * x + 3]))
    if bad:
        print("# %d of %d rows differ; first at (%d,%d): %s, expected %s" %
              ((bad, h) + first))
        return 1
    return 0


def lit(path):
    """Colour components that are not zero."""
    pix = read_ppm(path)[2]
    return len(pix) - pix.count(0)


def hold(seconds):
    w, h, bpp, stride = geometry()
    fd = os.open(FB, os.O_RDWR)
    m = mmap.mmap(fd, stride * h)
    print("# mapped %s" % FB, flush=True)
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        m[(i % h) * stride:(i % h + 1) * stride] = bytes([i & 0xff]) * stride
        i += 1
        time.sleep(0.001)
    m.close()
    os.close(fd)
    print("# held %s for %ss, %d row writes" % (FB, seconds, i))


def png(path, out, crop):
    w, h, pix = read_ppm(path)
    x0, y0, cw, ch = (int(v) for v in crop) if crop else (0, 0, w, h)
    cw, ch = min(cw, w - x0), min(ch, h - y0)
    raw = b"".join(b"\0" + pix[(y * w + x0) * 3:(y * w + x0 + cw) * 3]
                   for y in range(y0, y0 + ch))
    w, h = cw, ch

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c))
    with open(out, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def state(path):
    with open(path) as f:
        return dict(l.split(": ", 1) for l in f.read().splitlines())


def wait_dirt(path, before, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = state(path)
        if int(s["dirt_msgs"]) > before:
            return s
        time.sleep(0.0005)
    raise SystemExit("the host saw no update within %ss" % timeout)


def bench(path, seconds):
    w, h, bpp, stride = geometry()
    frames = [bytes([v]) * (stride * h) for v in (0x40, 0xc0)]
    fd = os.open(FB, os.O_RDWR)
    m = mmap.mmap(fd, stride * h)
    # Full-screen update rate: redraw, wait until the host applied it.
    n = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        before = int(state(path)["dirt_msgs"])
        m[:] = frames[n & 1]
        wait_dirt(path, before)
        n += 1
    rate = n / (time.monotonic() - t0)
    # Latency: one write() of a line until the host's frame has it.
    lat = []
    for i in range(20):
        before = int(state(path)["dirt_msgs"])
        t = time.monotonic_ns()
        os.lseek(fd, (i * 7 % h) * stride, os.SEEK_SET)
        os.write(fd, bytes([i]) * stride)
        s = wait_dirt(path, before)
        lat.append((int(s["last_dirt_ns"]) - t) / 1e6)
        time.sleep(0.05)
    m.close()
    os.close(fd)
    lat.sort()
    print("mode %dx%d %d bpp: %.1f full-screen updates/s (%.1f MB/s); "
          "write -> host frame: median %.1f ms, min %.1f ms, max %.1f ms" %
          (w, h, bpp, rate, rate * stride * h / 1e6, lat[len(lat) // 2],
           lat[0], lat[-1]))


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd in ("mmap", "write"):
        draw(cmd, int(args[0]), args[1:])
    elif cmd == "check":
        return check(args[0], args[1:])
    elif cmd == "blank":
        return 0 if lit(args[0]) == 0 else 1
    elif cmd == "lit":
        n = lit(args[0])
        print("# %d colour components lit" % n)
        return 0 if n >= int(args[1]) else 1
    elif cmd == "hold":
        hold(float(args[0]))
    elif cmd == "mode":
        return set_mode(args[0])
    elif cmd == "png":
        png(args[0], args[1], args[2:6])
    elif cmd == "bench":
        bench(args[0], float(args[1]))
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
