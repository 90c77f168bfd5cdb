"""Minimal RFC 6455 WebSocket + JSON-RPC 2.0 client (standard library only)."""
import base64
import hashlib
import json
import os
import queue
import socket
import struct
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WSError(Exception):
    pass


class WS:
    def __init__(self, host, port, path="/ws", timeout=5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        req = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, host, port, key))
        self.sock.sendall(req.encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = self.sock.recv(4096)
            if not d:
                raise WSError("closed during handshake: %r" % buf)
            buf += d
        head, self.buf = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise WSError("handshake failed: %s" % lines[0])
        hdrs = {l.split(":", 1)[0].strip().lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        want = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if hdrs.get("sec-websocket-accept") != want:
            raise WSError("bad Sec-WebSocket-Accept")
        self.sock.settimeout(None)
        self.wlock = threading.Lock()
        self.closed = False

    def _recvn(self, n):
        while len(self.buf) < n:
            d = self.sock.recv(65536)
            if not d:
                raise WSError("connection closed")
            self.buf += d
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send_frame(self, opcode, payload):
        hdr = bytearray([0x80 | opcode])
        n = len(payload)
        if n < 126:
            hdr.append(0x80 | n)
        elif n < 65536:
            hdr.append(0x80 | 126)
            hdr += struct.pack(">H", n)
        else:
            hdr.append(0x80 | 127)
            hdr += struct.pack(">Q", n)
        mask = os.urandom(4)
        hdr += mask
        body = bytes(b ^ mask[i & 3] for i, b in enumerate(payload))
        with self.wlock:
            self.sock.sendall(bytes(hdr) + body)

    def send_text(self, s):
        self.send_frame(0x1, s.encode("utf-8"))

    def recv_message(self):
        """Return the next text/binary message (str/bytes); None on close."""
        parts = []
        op0 = None
        while True:
            b0, b1 = self._recvn(2)
            fin, op = b0 & 0x80, b0 & 0x0F
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._recvn(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._recvn(8))[0]
            mask = self._recvn(4) if b1 & 0x80 else None
            data = self._recvn(n)
            if mask:
                data = bytes(b ^ mask[i & 3] for i, b in enumerate(data))
            if op == 0x8:
                try:
                    self.send_frame(0x8, data[:2])
                except OSError:
                    pass
                self.closed = True
                return None
            if op == 0x9:
                self.send_frame(0xA, data)
                continue
            if op == 0xA:
                continue
            if op in (0x1, 0x2):
                op0 = op
                parts = [data]
            elif op == 0x0:
                parts.append(data)
            if fin:
                msg = b"".join(parts)
                return msg.decode("utf-8") if op0 == 0x1 else msg

    def close(self):
        try:
            self.send_frame(0x8, struct.pack(">H", 1000))
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


class RPC:
    """JSON-RPC over WS with a reader thread; notifications are kept with arrival times."""

    def __init__(self, host, port, path="/ws"):
        self.ws = WS(host, port, path)
        self.next_id = 1
        self.pending = {}
        self.notes = []          # (monotonic time, method, params)
        self.note_cv = threading.Condition()
        self.lock = threading.Lock()
        self.th = threading.Thread(target=self._reader, daemon=True)
        self.th.start()

    def _reader(self):
        while True:
            try:
                m = self.ws.recv_message()
            except Exception:
                m = None
            if m is None:
                with self.note_cv:
                    self.notes.append((time.monotonic(), "__closed__", {}))
                    self.note_cv.notify_all()
                for q in list(self.pending.values()):
                    q.put({"error": {"code": -1, "message": "connection closed"}})
                return
            t = time.monotonic()
            try:
                obj = json.loads(m)
            except ValueError:
                continue
            if "id" in obj and obj.get("id") is not None and ("result" in obj or "error" in obj):
                q = self.pending.pop(obj["id"], None)
                if q:
                    q.put((t, obj))
            elif "method" in obj:
                with self.note_cv:
                    self.notes.append((t, obj["method"], obj.get("params")))
                    self.note_cv.notify_all()

    def call(self, method, params=None, timeout=10.0):
        """Return (result, error, latency_seconds)."""
        with self.lock:
            i = self.next_id
            self.next_id += 1
        q = queue.Queue()
        self.pending[i] = q
        msg = {"jsonrpc": "2.0", "id": i, "method": method}
        if params is not None:
            msg["params"] = params
        t0 = time.monotonic()
        self.ws.send_text(json.dumps(msg, ensure_ascii=False))
        try:
            r = q.get(timeout=timeout)
        except queue.Empty:
            self.pending.pop(i, None)
            return None, {"code": -2, "message": "client timeout after %.1fs" % timeout}, time.monotonic() - t0
        if isinstance(r, dict):
            return None, r["error"], time.monotonic() - t0
        t, obj = r
        return obj.get("result"), obj.get("error"), t - t0

    def wait_note(self, method, since, timeout):
        """Wait for a notification `method` that arrived at or after `since`. Returns (t, params) or None."""
        end = time.monotonic() + timeout
        with self.note_cv:
            while True:
                for t, m, p in self.notes:
                    if m == method and t >= since:
                        return t, p
                rest = end - time.monotonic()
                if rest <= 0:
                    return None
                self.note_cv.wait(rest)

    def notes_since(self, since):
        with self.note_cv:
            return [(t, m, p) for t, m, p in self.notes if t >= since]

    def close(self):
        self.ws.close()
