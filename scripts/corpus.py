#!/usr/bin/env python3
"""A reproducible, realistic mail corpus for the benchmarks, and a checker.

  corpus.py generate MAILDIR [--seed N] [--scale F]
      Writes ~10,000 messages (~290 MB) into a Dovecot Maildir++ (the user's ~/Maildir):
      INBOX 8,000, Sent 800, Archive/2024 700, Lists/rust 400, Entwürfe 100. Sizes: 87 %
      2-20 KB, 10 % 50-500 KB (base64 attachments), 3 % 20-50 KB, four of 5 MB; 48 messy
      real-world messages in INBOX (no header/body separator, no headers at all, 8-bit and
      raw UTF-8 headers, 20 KB lines, lone CRs, dot and "From " lines, no final newline,
      duplicate Message-IDs, empty bodies, folded headers, NUL-free binary junk).
  corpus.py verify SERVER_MAILDIR LOCAL_MAILDIR [--inbox-only] [--tool NAME]
      Checks that every server message is in the local Maildir exactly once (content
      compared after CRLF -> LF, ignoring headers a tool prepends; --pop3: a missing final
      line end counts as present, POP3 cannot carry one); prints a summary line and exits
      1 on any difference.
"""
import argparse
import base64
import collections
import hashlib
import os
import random
import re
import sys

FOLDERS = [("", 8000), (".Sent", 800), (".Archive.2024", 700), (".Lists.rust", 400),
           (".Entw&APw-rfe", 100)]
WORDS = ("mail sync fetch folder server local message quota account inbox archive draft "
         "the of and to in is that for it as with was on be by this are from or at an but "
         "not have which they you were all she one we there their been has when who will "
         "more no if out so said what up its about than into them can only other new some "
         "could time these two may then do first any my now such like our over man me even "
         "most made after also did many before must through back years where much your way").split()


def loguniform(rng, lo, hi):
    return int(lo * (hi / lo) ** rng.random())


def text_pool(rng, size=1 << 20):
    out, n = [], 0
    while n < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))) + "\n"
        out.append(line)
        n += len(line)
    return "".join(out).encode()


def body_text(rng, pool, size):
    start = rng.randrange(0, len(pool) - size - 1) if size < len(pool) - 1 else 0
    chunk = pool[start:start + size]
    # Start and end on a line boundary.
    nl = chunk.find(b"\n")
    chunk = chunk[nl + 1:] if nl >= 0 else chunk
    end = chunk.rfind(b"\n")
    return chunk[:end + 1] if end >= 0 else chunk + b"\n"


def attachment(rng, size):
    raw = rng.randbytes(size * 3 // 4)
    b64 = base64.b64encode(raw)
    return b"\n".join(b64[i:i + 76] for i in range(0, len(b64), 76)) + b"\n"


def headers(i, folder, rng, subject=None, extra=b""):
    subj = subject or " ".join(rng.choice(WORDS) for _ in range(5)).encode()
    mid = f"<{i}.{folder.strip('.') or 'INBOX'}.{rng.randrange(1 << 30)}@bench.example.org>"
    return (b"Return-Path: <sender%d@example.org>\n"
            b"Received: from mx.example.org (mx.example.org [192.0.2.1])\n"
            b"\tby mail.bench.example.org with ESMTPS id %d\n"
            b"\tfor <bench@example.org>; Mon, 2 Mar 2026 10:%02d:00 +0100\n"
            b"From: Sender %d <sender%d@example.org>\n"
            b"To: bench@example.org\n"
            b"Subject: " % (i, i, i % 60, i, i) + subj + b"\n"
            b"Date: Mon, 2 Mar 2026 10:%02d:%02d +0100\n" % (i % 60, i % 59) +
            b"Message-ID: " + mid.encode() + b"\n" + extra)


def normal_message(i, folder, rng, pool):
    r = rng.random()
    if r < 0.87:
        size = loguniform(rng, 2_000, 20_000)
    elif r < 0.97:
        size = loguniform(rng, 50_000, 500_000)
    else:
        size = loguniform(rng, 20_000, 50_000)
    if size < 50_000:
        return headers(i, folder, rng) + b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n" + \
            body_text(rng, pool, max(size - 600, 100))
    boundary = b"=_b%d" % i
    text = body_text(rng, pool, 1500)
    return (headers(i, folder, rng) + b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"" +
            boundary + b"\"\n\n--" + boundary + b"\nContent-Type: text/plain\n\n" + text +
            b"--" + boundary + b"\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
            b"Content-Disposition: attachment; filename=\"file%d.bin\"\n\n" % i +
            attachment(rng, size - 2000) + b"--" + boundary + b"--\n")


def messy_message(k, i, rng, pool):
    kind = k % 12
    h = headers(i, "", rng)
    if kind == 0:   # no blank line between header and body
        return h + b"this line starts the body without a separator\nmore body\n"
    if kind == 1:   # no headers at all
        return b"just some text that arrived without any header\nsecond line\n"
    if kind == 2:   # 8-bit (latin-1) header
        return headers(i, "", rng, subject=b"Gr\xfc\xdfe aus K\xf6ln") + b"\nBody \xe4\xf6\xfc.\n"
    if kind == 3:   # raw UTF-8 header
        return headers(i, "", rng, subject="Entwürfe für 東京".encode()) + b"\nBody.\n"
    if kind == 4:   # a 20 KB line
        return h + b"\n" + b"x" * 20_000 + b"\nend\n"
    if kind == 5:   # lone CR
        return h + b"\nbefore\rafter a lone CR\n"
    if kind == 6:   # dot and From lines
        return h + b"\n.\n..\n.leading dot\nFrom the start of a line\n>From quoted\n"
    if kind == 7:   # no final newline
        return h + b"\nno final newline"
    if kind == 8:   # duplicate Message-ID (same as the previous messy message)
        return h.replace(b"Message-ID: <", b"Message-ID: <dup-%d." % (k // 12)) + b"\nsame id, other body %d\n" % k
    if kind == 9:   # empty body
        return h + b"\n"
    if kind == 10:  # folded headers
        return h + b"X-Long: a\n  b\n\tc\n\n" + body_text(rng, pool, 500)
    # kind 11: control bytes in the body (no NUL)
    return h + b"\nbinary junk: " + bytes(range(1, 32)).replace(b"\n", b"").replace(b"\r", b"") + b"\n"


def generate(root, seed, scale):
    rng = random.Random(seed)
    pool = text_pool(rng)
    n, total = 0, 0
    for folder, count in FOLDERS:
        base = os.path.join(root, folder) if folder else root
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(base, sub), exist_ok=True)
        if folder:
            open(os.path.join(base, "maildirfolder"), "a").close()
        count = max(1, int(count * scale))
        for j in range(count):
            if folder == "" and j < 48:
                data = messy_message(j, n, rng, pool)
            elif folder == "" and 48 <= j < 52:
                data = headers(n, folder, rng) + b"\n" + attachment(rng, 5_000_000)
            else:
                data = normal_message(n, folder, rng, pool)
            crlf = len(data) + data.count(b"\n")
            flags = "S" if rng.random() < 0.6 else ""
            name = f"{1700000000 + n}.M{n}P1.corpus,S={len(data)},W={crlf}:2,{flags}"
            with open(os.path.join(base, "cur", name), "wb") as f:
                f.write(data)
            n += 1
            total += len(data)
    print(f"corpus: {n} messages, {total / 1e6:.1f} MB, seed {seed}")


def digests(root, inbox_only, strip_prefix_headers, final_newline=False):
    out = collections.Counter()
    dirs = [root]
    if not inbox_only:
        dirs += [os.path.join(root, d) for d in sorted(os.listdir(root))
                 if d.startswith(".") and os.path.isdir(os.path.join(root, d, "cur"))]
    for d in dirs:
        for sub in ("cur", "new"):
            p = os.path.join(d, sub)
            if not os.path.isdir(p):
                continue
            for name in os.listdir(p):
                with open(os.path.join(p, name), "rb") as f:
                    data = f.read().replace(b"\r\n", b"\n")
                for h in strip_prefix_headers:
                    # A header field the tool prepended, with its continuation lines.
                    while data.startswith(h):
                        data = data[data.index(b"\n") + 1:]
                        while data[:1] in (b" ", b"\t"):
                            data = data[data.index(b"\n") + 1:]
                if b"X-TUID: " in strip_prefix_headers:
                    # mbsync's own header, added at the end of the header block.
                    data = re.sub(rb"^X-TUID: [^\n]*\n", b"", data, count=1, flags=re.M)
                if final_newline and not data.endswith(b"\n"):
                    data += b"\n"
                out[hashlib.sha256(data).hexdigest()] += 1
    return out


def verify(server, local, inbox_only, tool, pop3):
    strip = [b"X-TUID: ", b"Received: from 127.0.0.1"] if tool != "mailx" else []
    # POP3 cannot carry a message without a final line end (RFC 1939 §3): compare with one.
    want = digests(server, inbox_only, [], pop3)
    got = digests(local, inbox_only, strip, pop3)
    missing = sum((want - got).values())
    extra = sum((got - want).values())
    print(f"verify {tool}: {sum(want.values())} on the server, {sum(got.values())} local, "
          f"{missing} missing, {extra} extra or altered")
    return 0 if missing == 0 and extra == 0 else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("maildir")
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("--scale", type=float, default=1.0)
    v = sub.add_parser("verify")
    v.add_argument("server")
    v.add_argument("local")
    v.add_argument("--inbox-only", action="store_true")
    v.add_argument("--tool", default="mailx")
    v.add_argument("--pop3", action="store_true")
    a = ap.parse_args()
    if a.cmd == "generate":
        generate(a.maildir, a.seed, a.scale)
        return 0
    return verify(a.server, a.local, a.inbox_only, a.tool, a.pop3)


if __name__ == "__main__":
    sys.exit(main())
