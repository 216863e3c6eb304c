#!/usr/bin/env python3
"""Writes every frame of the captures (and every event body alone) as a fuzz seed."""
import base64, json, os, sys
source, target = sys.argv[1:3]
count = 0
for name in sorted(os.listdir(source)):
    if not name.endswith(".recv"):
        continue
    data = open(os.path.join(source, name), "rb").read()
    i = 0
    while i < len(data):
        end = data.find(b"\n\n", i)
        if end < 0:
            break
        block = data[i:end]
        length = 0
        for line in block.split(b"\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        frame = data[i:end + 2 + length]
        body = data[end + 2:end + 2 + length]
        # The first byte selects the parser (see FuzzTarget): 0 frames, 2 plain, 3 json, 4 xml,
        # 5 a recording line (the frame as --record writes it).
        kind = {b"text/event-plain": 2, b"text/event-json": 3, b"text/event-xml": 4}
        seeds = [bytes([0]) + frame]
        headers = [line.decode("utf-8", "replace").split(": ", 1) for line in block.split(b"\n") if b": " in line]
        record = {"time": "2026-11-27T05:22:46.123456Z", "headers": headers}
        try:
            record["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            record["encoding"] = "base64"
            record["body"] = base64.b64encode(body).decode()
        seeds.append(bytes([5]) + json.dumps(record, separators=(",", ":")).encode())
        for key, selector in kind.items():
            if key in block:
                seeds.append(bytes([selector]) + body)
        for seed in seeds:
            with open(os.path.join(target, f"{name}-{count}"), "wb") as f:
                f.write(seed)
            count += 1
        i = end + 2 + length
print(f"{count} seeds in {target}")
