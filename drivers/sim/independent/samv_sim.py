#!/usr/bin/env python3
"""Independent SAM_V ID-card reader simulator (reader side) on a pseudo-terminal.

Written from /work/shared/specs/idcard-protocol.md only.  Standard library only.

stdout line 1: the slave pty path.  Later stdout lines: one JSON object per control op (ack).
stdin: JSON control lines:
  {"op":"place","card":{...}}        put a card on the reader (replaces any card)
  {"op":"remove"}                    take the card away
  {"op":"faults","garble":p,"drop":p,"truncate":p,"late":p,"late_s":s}   per-reply probabilities;
                                     late = the reply is sent late_s seconds late (reader hiccup);
                                     optional "cmds":["3001",...] limits faults to those commands
  {"op":"mode", ...}                 iin_nonzero (bool), app_unknown (bool), app_gone_sw3 (int),
                                     app_layout ("70"|"280"), pace (bool), reserved_fill ("space"|"zero"),
                                     fp_unknown (bool: 30 10 -> 21), delay_scale (float),
                                     lenient_select (bool: 20 02 also succeeds on an already-read card)
  {"op":"stats"}                     print counters
  {"op":"quit"}
Options: --pace (115200 baud pacing, 10 bits/byte), --log FILE (frame log), --seed N
"""
import base64
import json
import os
import random
import select
import sys
import threading
import time
import tty

PRE = b"\xAA\xAA\xAA\x96\x69"
BYTE_TIME = 10.0 / 115200.0

NATIONS = {
    "汉": 1, "蒙古": 2, "回": 3, "藏": 4, "维吾尔": 5, "苗": 6, "彝": 7, "壮": 8, "布依": 9, "朝鲜": 10,
    "满": 11, "侗": 12, "瑶": 13, "白": 14, "土家": 15, "哈尼": 16, "哈萨克": 17, "傣": 18, "黎": 19, "傈僳": 20,
    "佤": 21, "畲": 22, "高山": 23, "拉祜": 24, "水": 25, "东乡": 26, "纳西": 27, "景颇": 28, "柯尔克孜": 29,
    "土": 30, "达斡尔": 31, "仫佬": 32, "羌": 33, "布朗": 34, "撒拉": 35, "毛南": 36, "仡佬": 37, "锡伯": 38,
    "阿昌": 39, "普米": 40, "塔吉克": 41, "怒": 42, "乌孜别克": 43, "俄罗斯": 44, "鄂温克": 45, "德昂": 46,
    "保安": 47, "裕固": 48, "京": 49, "塔塔尔": 50, "独龙": 51, "鄂伦春": 52, "赫哲": 53, "门巴": 54, "珞巴": 55,
    "基诺": 56, "其他": 97, "外国血统中国籍人士": 98,
}
SEXES = {"男": "1", "女": "2", "未知": "0", "未说明": "9"}


def xor(bs):
    c = 0
    for b in bs:
        c ^= b
    return c


def frame(body):
    ln = len(body) + 1
    head = bytes([ln >> 8, ln & 0xFF])
    return PRE + head + body + bytes([xor(head + body)])


def reply(sw3, data=b"", sw1=0, sw2=0):
    return frame(bytes([sw1, sw2, sw3]) + data)


# ---------------------------------------------------------------- text block encoding (§5)

class CardError(Exception):
    pass


def ucs(s, nchars, what):
    s = s or ""
    for ch in s:
        if ord(ch) > 0xFFFF:
            raise CardError("%s: character %r outside the BMP (UCS-2)" % (what, ch))
    if len(s) > nchars:
        raise CardError("%s: %d chars > %d" % (what, len(s), nchars))
    return (s + " " * (nchars - len(s))).encode("utf-16-le")


def date8(s, what):
    s = s or ""
    if len(s) == 10 and s[4] == "-" and s[7] == "-":
        s = s[:4] + s[5:7] + s[8:]
    return ucs(s, 8, what)


def sexcode(s):
    if s in SEXES:
        return SEXES[s]
    return s or "0"


def nationcode(s):
    if s in NATIONS:
        return "%02d" % NATIONS[s]
    if s and s.endswith("族") and s[:-1] in NATIONS:
        return "%02d" % NATIONS[s[:-1]]
    return s or ""


def filler(n, mode):
    if mode == "zero":
        return b"\x00" * n
    return (" " * (n // 2)).encode("utf-16-le")


def encode_text(c, fill="space"):
    t = c.get("type", "resident")
    parts = []
    if t == "resident":
        parts = [ucs(c.get("name"), 15, "name"), ucs(sexcode(c.get("sex")), 1, "sex"),
                 ucs(nationcode(c.get("nation")), 2, "nation"), date8(c.get("birthDate"), "birthDate"),
                 ucs(c.get("address"), 35, "address"), ucs(c.get("idNumber"), 18, "idNumber"),
                 ucs(c.get("issuer"), 15, "issuer"), date8(c.get("validFrom"), "validFrom"),
                 date8(c.get("validUntil"), "validUntil"), filler(36, fill)]
    elif t == "hk_mo_tw_residence":
        parts = [ucs(c.get("name"), 15, "name"), ucs(sexcode(c.get("sex")), 1, "sex"), filler(4, fill),
                 date8(c.get("birthDate"), "birthDate"), ucs(c.get("address"), 35, "address"),
                 ucs(c.get("idNumber"), 18, "idNumber"), ucs(c.get("issuer"), 15, "issuer"),
                 date8(c.get("validFrom"), "validFrom"), date8(c.get("validUntil"), "validUntil"),
                 ucs(c.get("passNumber"), 9, "passNumber"), ucs(c.get("issueCount"), 2, "issueCount"),
                 filler(6, fill), "J".encode("utf-16-le"), filler(6, fill)]
    elif t == "foreign_permanent_2017":
        parts = [ucs(c.get("nameEn"), 60, "nameEn"), ucs(sexcode(c.get("sex")), 1, "sex"),
                 ucs(c.get("idNumber"), 15, "idNumber"), ucs(c.get("nationality"), 3, "nationality"),
                 ucs(c.get("name"), 15, "name"), date8(c.get("validFrom"), "validFrom"),
                 date8(c.get("validUntil"), "validUntil"), date8(c.get("birthDate"), "birthDate"),
                 ucs(c.get("cardVersion"), 2, "cardVersion"), ucs(c.get("issuerCode"), 4, "issuerCode"),
                 "I".encode("utf-16-le"), filler(6, fill)]
    elif t == "foreign_permanent_2023":
        en = c.get("nameEn") or ""
        if len(en) > 46:
            raise CardError("nameEn: %d chars > 46" % len(en))
        parts = [ucs(c.get("name"), 15, "name"), ucs(sexcode(c.get("sex")), 1, "sex"),
                 ucs(c.get("issueCount"), 2, "issueCount"), date8(c.get("birthDate"), "birthDate"),
                 ucs(en[:35], 35, "nameEn[0:35]"), ucs(c.get("idNumber"), 18, "idNumber"), filler(30, fill),
                 date8(c.get("validFrom"), "validFrom"), date8(c.get("validUntil"), "validUntil"),
                 ucs(en[35:], 11, "nameEn[35:46]"), ucs(c.get("nationality"), 3, "nationality"),
                 "Y".encode("utf-16-le"), ucs(c.get("prevLink", ""), 3, "prevLink")]
    else:
        raise CardError("unknown type %r" % t)
    blk = b"".join(parts)
    if len(blk) != 256:
        raise CardError("internal: text block %d bytes" % len(blk))
    return blk


class Card:
    def __init__(self, c, fill):
        self.json = c
        self.text = encode_text(c, fill)
        ph = base64.b64decode(c.get("photo", "")) if c.get("photo") else bytes(1024)
        if len(ph) != 1024:
            raise CardError("photo must be 1024 bytes, got %d" % len(ph))
        self.photo = ph
        fp = base64.b64decode(c["fingerprint"]) if c.get("fingerprint") else b""
        if len(fp) not in (0, 512, 1024):
            raise CardError("fingerprint must be 0/512/1024 bytes")
        self.fp = fp
        app = c.get("appendedAddress") or ""
        self.app = app
        if app:
            ucs(app, 35, "appendedAddress")


# ---------------------------------------------------------------- simulator

class Sim:
    def __init__(self, pace=False, logf=None, seed=None):
        self.lock = threading.Lock()
        self.card = None
        self.gen = 0            # bumps on every place/remove
        self.state = "none"     # none | idle | found | selected | read
        self.faults = {"garble": 0.0, "drop": 0.0, "truncate": 0.0, "late": 0.0, "late_s": 3.5}
        self.mode = {"iin_nonzero": False, "app_unknown": False, "app_gone_sw3": 0x41, "app_layout": "70",
                     "pace": pace, "reserved_fill": "space", "fp_unknown": False, "delay_scale": 1.0,
                     "lenient_select": False}
        self.rng = random.Random(seed)
        self.stats = {"rx": {}, "tx_sw3": {}, "faults": {"garble": 0, "drop": 0, "truncate": 0, "late": 0}, "faults_by_cmd": {},
                      "bad_chk": 0, "resync_bytes": 0, "aborted_partial": 0, "reads_completed": 0}
        self.logf = logf
        self.t0 = time.monotonic()
        self.quit = False
        self.iin = bytes(4)
        self.sn = bytes(8)

    def log(self, msg):
        if self.logf:
            self.logf.write("%9.3f %s\n" % (time.monotonic() - self.t0, msg))
            self.logf.flush()

    # ---- control
    def control(self, op):
        kind = op.get("op")
        with self.lock:
            if kind == "place":
                card = Card(op["card"], self.mode["reserved_fill"])
                self.card = card
                self.gen += 1
                self.state = "idle"
                if self.mode["iin_nonzero"]:
                    self.iin = bytes(self.rng.randint(1, 255) for _ in range(4))
                    self.sn = bytes(self.rng.randint(1, 255) for _ in range(8))
                self.log("CTL place %s %s" % (card.json.get("type"), card.json.get("idNumber")))
            elif kind == "remove":
                self.card = None
                self.gen += 1
                self.state = "none"
                self.log("CTL remove")
            elif kind == "faults":
                for k in ("garble", "drop", "truncate", "late"):
                    self.faults[k] = float(op.get(k, 0.0))
                self.faults["late_s"] = float(op.get("late_s", 3.5))
                self.faults["cmds"] = op.get("cmds")   # optional list like ["3001"]: faults only on these
                self.log("CTL faults %s" % self.faults)
            elif kind == "mode":
                for k, v in op.items():
                    if k != "op":
                        if k not in self.mode:
                            raise CardError("unknown mode key %s" % k)
                        self.mode[k] = v
                if not self.mode["iin_nonzero"]:
                    self.iin, self.sn = bytes(4), bytes(8)
                elif self.iin == bytes(4):
                    self.iin = bytes(self.rng.randint(1, 255) for _ in range(4))
                    self.sn = bytes(self.rng.randint(1, 255) for _ in range(8))
                self.log("CTL mode %s" % self.mode)
            elif kind == "stats":
                return {"stats": self.stats, "state": self.state}
            elif kind == "quit":
                self.quit = True
            else:
                raise CardError("unknown op %r" % kind)
        return {}

    # ---- command handling
    def delay_for(self, cmd, para):
        r = self.rng.uniform
        if (cmd, para) == (0x20, 0x01):
            d = r(0.015, 0.035)
        elif (cmd, para) == (0x20, 0x02):
            d = r(0.020, 0.045)
        elif (cmd, para) == (0x30, 0x01):
            d = r(0.25, 0.35)
        elif (cmd, para) == (0x30, 0x10):
            d = r(0.30, 0.45)
        elif (cmd, para) == (0x30, 0x03):
            d = r(0.03, 0.08)
        elif (cmd, para) == (0x10, 0xFF):
            d = r(0.10, 0.20)
        else:
            d = r(0.005, 0.015)
        return d * float(self.mode["delay_scale"])

    def handle(self, cmd, para, data):
        key = "%02X%02X" % (cmd, para)
        self.stats["rx"][key] = self.stats["rx"].get(key, 0) + 1
        with self.lock:
            gen0 = self.gen
        time.sleep(self.delay_for(cmd, para))
        with self.lock:
            card, st, m = self.card, self.state, self.mode
            changed = self.gen != gen0
            if (cmd, para) == (0x11, 0xFF):
                return reply(0x90)
            if (cmd, para) == (0x12, 0xFF):
                return reply(0x90, bytes([0x05, 0x00, 0x01, 0x00]) + (20101008).to_bytes(4, "little")
                             + (1234567).to_bytes(4, "little") + (987654321).to_bytes(4, "little"))
            if (cmd, para) == (0x10, 0xFF):
                # SAM reset: RF field cycles, so a card still on the reader becomes findable again.
                if card is not None:
                    self.state = "idle"
                return reply(0x90)
            if (cmd, para) == (0x20, 0x01):
                if card is None or st == "read":
                    return reply(0x80)
                if st == "idle":
                    self.state = "found"
                return reply(0x9F, self.iin)
            if (cmd, para) == (0x20, 0x02):
                ok_states = ("found", "selected", "read") if m["lenient_select"] else ("found", "selected")
                if card is None or st not in ok_states or changed:
                    return reply(0x81)
                if st != "read":
                    self.state = "selected"
                return reply(0x90, self.sn)
            if (cmd, para) in ((0x30, 0x01), (0x30, 0x10)):
                if (cmd, para) == (0x30, 0x10) and m["fp_unknown"]:
                    return reply(0x21)
                if card is None or changed or st not in ("selected", "read"):
                    return reply(0x41)
                self.state = "read"
                self.stats["reads_completed"] += 1
                if para == 0x01:
                    return reply(0x90, b"\x01\x00\x04\x00" + card.text + card.photo)
                fl = len(card.fp)
                return reply(0x90, b"\x01\x00\x04\x00" + bytes([fl >> 8, fl & 0xFF]) + card.text + card.photo
                             + card.fp)
            if (cmd, para) == (0x30, 0x03):
                if m["app_unknown"]:
                    return reply(0x21)
                if card is None or changed or st not in ("selected", "read"):
                    return reply(int(m["app_gone_sw3"]))
                if not card.app:
                    return reply(0x91)
                a = ucs(card.app, 35, "appendedAddress")
                if m["app_layout"] == "280":
                    a = a + ucs("", 35, "") * 3
                return reply(0x90, a)
            return reply(0x21)

    def _count(self, kind, key):
        self.stats["faults"][kind] += 1
        d = self.stats["faults_by_cmd"].setdefault(key, {})
        d[kind] = d.get(kind, 0) + 1

    def send(self, fd, out, key="----"):
        f = self.faults
        x = self.rng.random()
        if f.get("cmds") and key not in f["cmds"]:
            x = 2.0
        if x < f["drop"]:
            self._count("drop", key)
            self.log("TX DROPPED %s" % out[:12].hex())
            return
        x -= f["drop"]
        if x < f["garble"]:
            self._count("garble", key)
            b = bytearray(out)
            i = self.rng.randrange(len(b))
            b[i] ^= self.rng.randint(1, 255)
            out = bytes(b)
            self.log("TX GARBLED at %d" % i)
        else:
            x -= f["garble"]
            if x < f["truncate"]:
                self._count("truncate", key)
                n = self.rng.randint(1, len(out) - 1)
                out = out[:n]
                self.log("TX TRUNCATED to %d" % n)
            else:
                x -= f["truncate"]
                if x < f["late"]:
                    self._count("late", key)
                    self.log("TX LATE by %.2f s" % f["late_s"])
                    time.sleep(f["late_s"])
        self.log("TX %d %s" % (len(out), out[:16].hex() + ("..." if len(out) > 16 else "")))
        if self.mode["pace"]:
            for i in range(0, len(out), 32):
                chunk = out[i:i + 32]
                t = time.monotonic()
                os.write(fd, chunk)
                rest = len(chunk) * BYTE_TIME - (time.monotonic() - t)
                if rest > 0:
                    time.sleep(rest)
        else:
            off = 0
            while off < len(out):
                off += os.write(fd, out[off:])
        if len(out) > 100:
            self.log("TX done %d" % len(out))

    def serial_loop(self, fd):
        buf = bytearray()
        last_rx = time.monotonic()
        while not self.quit:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    time.sleep(0.05)
                    continue
                if chunk:
                    buf += chunk
                    last_rx = time.monotonic()
            # parse as many frames as possible
            while True:
                i = buf.find(PRE)
                if i < 0:
                    keep = 4  # a preamble may be split
                    if len(buf) > keep:
                        self.stats["resync_bytes"] += len(buf) - keep
                        del buf[:len(buf) - keep]
                    break
                if i > 0:
                    self.stats["resync_bytes"] += i
                    del buf[:i]
                if len(buf) < 7:
                    break
                ln = (buf[5] << 8) | buf[6]
                if ln < 3 or ln > 1024:
                    self.log("RX bad LEN %d" % ln)
                    del buf[:5]
                    self.send(fd, reply(0x11))
                    continue
                if len(buf) < 7 + ln:
                    break
                fr = bytes(buf[:7 + ln])
                del buf[:7 + ln]
                self.log("RX %s" % fr.hex())
                key = "%02X%02X" % (fr[7], fr[8])
                if xor(fr[5:-1]) != fr[-1]:
                    self.stats["bad_chk"] += 1
                    out = reply(0x10)
                    key = "badchk"
                else:
                    out = self.handle(fr[7], fr[8], fr[9:-1])
                sw3 = "%02X" % out[9]
                self.stats["tx_sw3"][sw3] = self.stats["tx_sw3"].get(sw3, 0) + 1
                self.send(fd, out, key)
                last_rx = time.monotonic()
            if buf and time.monotonic() - last_rx > 0.3:
                self.stats["aborted_partial"] += 1
                self.log("RX discard partial %s" % bytes(buf).hex())
                buf.clear()


def main():
    args = sys.argv[1:]
    pace = "--pace" in args
    logf = None
    seed = None
    if "--log" in args:
        logf = open(args[args.index("--log") + 1], "w")
    if "--seed" in args:
        seed = int(args[args.index("--seed") + 1])
    master, slave = os.openpty()
    tty.setraw(slave)
    tty.setraw(master)
    sim = Sim(pace=pace, logf=logf, seed=seed)
    print(os.ttyname(slave), flush=True)
    th = threading.Thread(target=sim.serial_loop, args=(master,), daemon=True)
    th.start()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            op = json.loads(line)
            res = sim.control(op)
            res.update({"ok": True, "op": op.get("op")})
        except Exception as e:  # report and keep going
            res = {"ok": False, "error": str(e)}
        print(json.dumps(res, ensure_ascii=False), flush=True)
        if sim.quit:
            break
    sim.quit = True
    th.join(timeout=1)
    os.close(slave)
    os.close(master)


if __name__ == "__main__":
    main()
