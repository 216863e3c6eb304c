#!/usr/bin/env python3
"""Seeds for the parser fuzz target (ParserFuzzTarget): config files, recordings, `show` answers
(JSON and delimited, from the captures and made up) and script lines. The first byte selects the
parser: 0 config, 1 recording, 2 show JSON, 3 script, 4 delimited show. A third argument naming one
(config, recording, show, script, tables) writes only its seeds, for a run held to that parser."""
import base64, json, os, sys
source, target = sys.argv[1:3]
kinds = ["config", "recording", "show", "script", "tables"]
only = kinds.index(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] in kinds else None
seeds = []
seeds += [bytes([0]) + s.encode() for s in [
    "[default]\nhost => 127.0.0.1\nport => 8021\npassword => ClueCon\n",
    "; fs_cli\n[pbx1]\nhost=10.0.0.1\nport = 8022\ndebug => 7 ;; inline\nkey_f1 => show calls\n__END__\njunk",
    "# eslsh\n[default]\nhosts => a:8021 b:8022\ncolor => never\nquiet => yes\ntimeout => 1.5s\n[other]\nprompt-string => %h> \n",
    "[bad\nhost => x\n", "host => outside\n", "[a]\r\nuser => 1000@default\r\npassword => x\r\n",
]]
def frames(path):
    data = open(path, "rb").read()
    i = 0
    while i < len(data):
        end = data.find(b"\n\n", i)
        if end < 0:
            return
        block = data[i:end]
        length = 0
        for line in block.split(b"\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        yield block, data[end + 2:end + 2 + length]
        i = end + 2 + length
for name in sorted(os.listdir(source)):
    if not name.endswith(".recv"):
        continue
    lines = []
    for number, (block, body) in enumerate(frames(os.path.join(source, name))):
        headers = [line.decode("utf-8", "replace").split(": ", 1) for line in block.split(b"\n") if b": " in line]
        record = {"time": "2026-11-27T05:22:%02d.%06dZ" % (number % 60, number * 7919 % 1000000), "headers": headers}
        try:
            record["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            record["encoding"] = "base64"
            record["body"] = base64.b64encode(body).decode()
        lines.append(json.dumps(record, separators=(",", ":")))
        text = body.decode("utf-8", "replace")
        if text.startswith("{") and "row_count" in text:
            seeds.append(bytes([2]) + body)
        if text.endswith(" total.\n"):
            seeds.append(bytes([4]) + body)
    if lines:
        seeds.append(bytes([1]) + "\n".join(lines[:8]).encode() + b"\n")
seeds.append(bytes([1]) + b'{"time":"0001-01-01T00:00:00Z","headers":[["Content-Type","text/event-plain"]],"body":"Event-Name: HEARTBEAT\\n\\n"}\n'
             b'{"time":"9999-12-31T23:59:59.999999Z","headers":[],"body":"","encoding":"base64"}\n')
seeds += [bytes([2]) + s.encode() for s in [
    '{"row_count":0}', '{"row_count":2,"rows":[{"uuid":"u1","name":"a"},{"uuid":"u2","name":"b","x":"\\u00e9\\n"}]}',
    '{"rows":[{"a":1,"b":null,"c":[1,{"d":"e"}]}],"row_count":1}',
]]
seeds += [bytes([3]) + s.encode() for s in [
    "status\nversion\n# comment\n/event plain ALL\n/log info\nbgapi originate loopback/9196 &park\n/exit\n",
    "/sendevent CUSTOM\nEvent-Subclass: fuzz::seed\nContent-Length: 4\n\nabc\nhostname\n",
    "/sendmsg 11111111-2222-3333-4444-555555555555\ncall-command: execute\nexecute-app-name: playback\n\n",
    "/filter Unique-ID abc\n/filter delete all\n/hangup 1234 NORMAL_CLEARING\n/execute 1234 playback /tmp/a.wav\n/myevents plain 1234\n/bg status\napi   show calls\n",
]]
seeds.append(bytes([4]) + b"uuid,name,state\nu1,loopback/1-a,CS_EXECUTE\nu2,x|y,CS_INIT\n\n2 total.\n")
if only is not None:
    seeds = [seed for seed in seeds if seed[0] % 5 == only]
os.makedirs(target, exist_ok=True)
for count, seed in enumerate(seeds):
    with open(os.path.join(target, f"parsers-{count}"), "wb") as f:
        f.write(seed)
print(f"{len(seeds)} seeds in {target}")
